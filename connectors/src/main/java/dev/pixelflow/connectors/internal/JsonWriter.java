package dev.pixelflow.connectors.internal;

import java.util.Map;

/** A minimal JSON writer for flat objects of strings, numbers, booleans and nulls. */
public final class JsonWriter {
    private JsonWriter() {
    }

    /**
     * One JSON object with the entries in the map's iteration order. Non-finite numbers (NaN, infinities)
     * have no JSON form and are written as {@code null}.
     *
     * @throws IllegalArgumentException for a null key or a value that is not a String, Number, Boolean or null
     */
    public static String object(Map<String, ?> entries) {
        StringBuilder out = new StringBuilder(16 + 24 * entries.size()).append('{');
        boolean first = true;
        for (Map.Entry<String, ?> e : entries.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("JSON object keys must not be null");
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, e.getKey());
            out.append(':');
            value(out, e.getKey(), e.getValue());
        }
        return out.append('}').toString();
    }

    private static void value(StringBuilder out, String key, Object v) {
        switch (v) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Boolean b -> out.append(b);
            case Double d -> finite(out, d, Double.isFinite(d));
            case Float f -> finite(out, f, Float.isFinite(f));
            case Byte b -> out.append(b);
            case Short s -> out.append(s);
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case java.math.BigInteger b -> out.append(b);
            case java.math.BigDecimal b -> out.append(b.toString());
            case Number n -> finite(out, n.doubleValue(), Double.isFinite(n.doubleValue()));
            default -> throw new IllegalArgumentException("value of '" + key + "' is a " + v.getClass().getName()
                    + "; JSON metrics take String, Number, Boolean or null");
        }
    }

    private static void finite(StringBuilder out, Object number, boolean finite) {
        out.append(finite ? number.toString() : "null");
    }

    /** Appends {@code s} as a JSON string literal, escaping quotes, backslashes and control characters. */
    public static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

package dev.pixelflow.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Compares every layer op, forward and backward, with values PyTorch computed in float64
 * ({@code src/test/resources/golden}, written by {@code src/test/python/generate_golden.py}; Python is not
 * needed to run this test). Each case runs on both providers with one and two compute threads and must
 * match within {@code 1e-4 * max(1, max|expected|)}. Outputs are pre-filled with NaN so a kernel that
 * accumulates into (or skips part of) its output fails.
 */
class TorchGoldenTest {
    private static final String DIR = "/golden/";
    private static final double REL_TOL = 1e-4;
    private static final int[] THREADS = {1, 2};

    private static final Map<String, Ops> OPS = new LinkedHashMap<>();

    @BeforeAll
    static void setUp() {
        for (Ops.Provider p : new Ops.Provider[] {Ops.Provider.SCALAR, Ops.Provider.VECTOR}) {
            for (int t : THREADS) {
                OPS.put(p + " threads=" + t, Ops.builder().provider(p).threads(t).build());
            }
        }
    }

    @AfterAll
    static void tearDown() {
        OPS.values().forEach(Ops::close);
        OPS.clear();
    }

    @Test
    void manifestCoversEveryOp() throws IOException {
        Set<String> ops = new TreeSet<>();
        for (Object c : cases()) {
            ops.add(str(obj(c), "op"));
        }
        assertEquals(new TreeSet<>(List.of("activation", "avg_pool2d", "conv2d", "conv_transpose2d", "max_pool2d",
                "upsample_bilinear")), ops);
    }

    @TestFactory
    Stream<DynamicNode> matchesPyTorch() throws IOException {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Object c : cases()) {
            Map<String, Object> gc = obj(c);
            String name = str(gc, "name");
            List<DynamicNode> perOps = new ArrayList<>();
            for (Map.Entry<String, Ops> e : OPS.entrySet()) {
                perOps.add(DynamicTest.dynamicTest(e.getKey(), () -> check(gc, e.getValue())));
            }
            nodes.add(DynamicContainer.dynamicContainer(name + " (" + str(gc, "op") + ")", perOps));
        }
        assertTrue(nodes.size() >= 30, "expected the full golden set, found " + nodes.size() + " cases");
        return nodes.stream();
    }

    // ------------------------------------------------------------------ running one case

    private static void check(Map<String, Object> c, Ops ops) throws IOException {
        Map<String, Object> p = obj(c.get("params"));
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : obj(c.get("inputs")).entrySet()) {
            in.put(e.getKey(), load((String) e.getValue()));
        }
        List<Tensor> owned = new ArrayList<>(in.values());
        Tensor gy = load(str(c, "gy"));
        owned.add(gy);
        List<String> failures = new ArrayList<>();
        Map<String, Tensor> got = new LinkedHashMap<>();
        try {
            switch (str(c, "op")) {
                case "conv2d" -> conv(ops, convSpec(p), in, gy, false, got);
                case "conv_transpose2d" -> conv(ops, convSpec(p), in, gy, true, got);
                case "max_pool2d" -> maxPool(ops, poolSpec(p), in.get("x"), gy, got);
                case "avg_pool2d" -> avgPool(ops, poolSpec(p), in.get("x"), gy, got);
                case "upsample_bilinear" -> upsample(ops, ints(p.get("size")), in.get("x"), gy, got);
                case "activation" -> activation(ops, activation(p), in.get("x"), gy, got);
                default -> throw new AssertionError("unknown op in manifest: " + str(c, "op"));
            }
            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("y", (String) obj(c.get("outputs")).get("y"));
            for (Map.Entry<String, Object> e : obj(c.get("grads")).entrySet()) {
                expected.put("g" + e.getKey(), (String) e.getValue());
            }
            assertEquals(expected.keySet(), got.keySet(), "computed tensors vs manifest");
            for (Map.Entry<String, String> e : expected.entrySet()) {
                try (Tensor want = load(e.getValue())) {
                    String msg = compare(want, got.get(e.getKey()));
                    if (msg != null) {
                        failures.add(e.getKey() + ": " + msg);
                    }
                }
            }
        } finally {
            owned.forEach(Tensor::close);
            got.values().forEach(Tensor::close);
        }
        if (!failures.isEmpty()) {
            fail(str(c, "name") + " " + obj(c.get("params")) + " on " + ops + ":\n  " + String.join("\n  ", failures));
        }
    }

    /** Forward y and the gradients gx, gw, gb of a convolution or transposed convolution. */
    private static void conv(Ops ops, Conv2dSpec spec, Map<String, Tensor> in, Tensor gy, boolean transposed,
                             Map<String, Tensor> out) {
        Tensor x = in.get("x");
        Tensor w = in.get("w");
        Tensor b = in.get("b");
        int[] yShape = transposed ? Ops.convTranspose2dOutputShape(x.shape(), w.shape(), spec)
                : Ops.conv2dOutputShape(x.shape(), w.shape(), spec);
        Tensor y = alloc(out, "y", yShape);
        Tensor gx = alloc(out, "gx", x.shape());
        Tensor gw = alloc(out, "gw", w.shape());
        Tensor gb = alloc(out, "gb", b.shape());
        if (transposed) {
            ops.convTranspose2d(x, w, b, spec, y);
            ops.convTranspose2dBackwardData(gy, w, spec, gx);
            ops.convTranspose2dBackwardWeight(x, gy, spec, gw);
        } else {
            ops.conv2d(x, w, b, spec, y);
            ops.conv2dBackwardData(gy, w, spec, gx);
            ops.conv2dBackwardWeight(x, gy, spec, gw);
        }
        ops.conv2dBackwardBias(gy, gb);
    }

    private static void maxPool(Ops ops, Pool2dSpec spec, Tensor x, Tensor gy, Map<String, Tensor> out) {
        Tensor y = alloc(out, "y", Ops.pool2dOutputShape(x.shape(), spec));
        Tensor gx = alloc(out, "gx", x.shape());
        ops.maxPool2d(x, spec, y);
        ops.maxPool2dBackward(x, gy, spec, gx);
    }

    private static void avgPool(Ops ops, Pool2dSpec spec, Tensor x, Tensor gy, Map<String, Tensor> out) {
        Tensor y = alloc(out, "y", Ops.pool2dOutputShape(x.shape(), spec));
        Tensor gx = alloc(out, "gx", x.shape());
        ops.avgPool2d(x, spec, y);
        ops.avgPool2dBackward(gy, spec, gx);
    }

    private static void upsample(Ops ops, int[] size, Tensor x, Tensor gy, Map<String, Tensor> out) {
        assertEquals(2, size.length, "upsample size");
        Tensor y = alloc(out, "y", x.dim(0), x.dim(1), size[0], size[1]);
        Tensor gx = alloc(out, "gx", x.shape());
        ops.upsampleBilinear(x, y);
        ops.upsampleBilinearBackward(gy, gx);
    }

    /** Backward reads this implementation's own forward output, as training does. */
    private static void activation(Ops ops, Activation f, Tensor x, Tensor gy, Map<String, Tensor> out) {
        Tensor y = alloc(out, "y", x.shape());
        Tensor gx = alloc(out, "gx", x.shape());
        ops.activation(f, x, y);
        ops.activationBackward(f, x, y, gy, gx);
    }

    private static Conv2dSpec convSpec(Map<String, Object> p) {
        int[] s = ints(p.get("stride"));
        int[] pad = ints(p.get("padding"));
        int[] d = ints(p.get("dilation"));
        int[] op = ints(p.get("output_padding"));
        return new Conv2dSpec(s[0], s[1], pad[0], pad[1], d[0], d[1], num(p.get("groups")), op[0], op[1]);
    }

    private static Pool2dSpec poolSpec(Map<String, Object> p) {
        int[] k = ints(p.get("kernel"));
        int[] s = ints(p.get("stride"));
        int[] pad = ints(p.get("padding"));
        int[] d = ints(p.get("dilation"));
        return new Pool2dSpec(k[0], k[1], s[0], s[1], pad[0], pad[1], d[0], d[1],
                (Boolean) p.get("count_include_pad"));
    }

    private static Activation activation(Map<String, Object> p) {
        float alpha = (float) ((Number) p.get("alpha")).doubleValue();
        return switch (str(p, "kind")) {
            case "relu" -> Activation.RELU;
            case "leaky_relu" -> Activation.leakyRelu(alpha);
            case "sigmoid" -> Activation.SIGMOID;
            case "tanh" -> Activation.TANH;
            default -> throw new AssertionError("unknown activation " + p.get("kind"));
        };
    }

    // ------------------------------------------------------------------ comparison and files

    /** Null when {@code got} matches; otherwise where and by how much it does not. */
    static String compare(Tensor want, Tensor got) {
        if (!Arrays.equals(want.shape(), got.shape())) {
            return "shape " + got.shapeString() + ", expected " + want.shapeString();
        }
        float[] e = want.toArray();
        float[] a = got.toArray();
        double scale = 1;
        for (float v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = REL_TOL * scale;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) a[i] - e[i]);
            if (!(d <= worst)) { // NaN counts as the worst difference
                worst = d;
                at = i;
                if (Double.isNaN(d)) {
                    break;
                }
            }
        }
        if (at < 0 || worst <= tol) {
            return null;
        }
        return "max |diff| " + worst + " > tolerance " + tol + " at flat index " + at + " " + index(want.shape(), at)
                + ": got " + a[at] + ", expected " + e[at];
    }

    private static String index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }

    /** A new output filled with NaN, registered in {@code out} (which the caller closes). */
    private static Tensor alloc(Map<String, Tensor> out, String key, int... shape) {
        Tensor t = Tensor.zeros(shape).fill(Float.NaN);
        out.put(key, t);
        return t;
    }

    private static Tensor load(String file) throws IOException {
        try (InputStream in = TorchGoldenTest.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IOException("missing golden file " + DIR + file + " on the test class path");
            }
            return Npy.read(in, file);
        }
    }

    private static List<Object> cases() throws IOException {
        try (InputStream in = TorchGoldenTest.class.getResourceAsStream(DIR + "cases.json")) {
            if (in == null) {
                throw new IOException("missing " + DIR + "cases.json on the test class path");
            }
            Map<String, Object> manifest = obj(new Json(new String(in.readAllBytes(), StandardCharsets.UTF_8)).parse());
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) manifest.get("cases");
            return list;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        return (Map<String, Object>) o;
    }

    private static String str(Map<String, Object> m, String key) {
        return (String) m.get(key);
    }

    private static int num(Object o) {
        return ((Number) o).intValue();
    }

    private static int[] ints(Object o) {
        return ((List<?>) o).stream().mapToInt(TorchGoldenTest::num).toArray();
    }

    // ------------------------------------------------------------------ a minimal JSON reader

    /**
     * Just enough JSON for the manifest (objects, arrays, strings with simple escapes, numbers, booleans,
     * null); core-simd has no JSON dependency and should not gain one for a test.
     */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return v;
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                default:
                    break;
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw error("unexpected character '" + c + "'");
            }
            String num = s.substring(start, i);
            return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            expect('{');
            ws();
            if (peek() == '}') {
                i++;
                return m;
            }
            while (true) {
                ws();
                String key = string();
                ws();
                expect(':');
                m.put(key, value());
                ws();
                if (peek() == ',') {
                    i++;
                } else {
                    expect('}');
                    return m;
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            expect('[');
            ws();
            if (peek() == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                ws();
                if (peek() == ',') {
                    i++;
                } else {
                    expect(']');
                    return l;
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e); // \" \\ \/
                }
            }
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("cases.json: " + what + " at offset " + i);
        }
    }
}

package dev.pixelflow.connectors.internal.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.List;
import java.util.regex.Pattern;

/** Small file and port helpers of the local broker. */
public final class BrokerFiles {

    private BrokerFiles() {
    }

    /** A loopback port that was free a moment ago (the OS picks it; a race with other processes is possible). */
    public static int freeLoopbackPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    /** Whether a loopback port can be bound now. */
    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The last {@code maxBytes} of a file as text ("" when it is missing), for error messages. */
    public static String tail(Path file, int maxBytes) {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - maxBytes);
            byte[] b = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(b);
            String s = new String(b, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            return from > 0 && nl >= 0 ? s.substring(nl + 1) : s;
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /**
     * The last {@code max} lines of a log that report an error (level ERROR or FATAL, or an exception line
     * such as {@code java.net.BindException: Address already in use}); empty when the file is missing.
     */
    public static List<String> errorLines(Path file, int max) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        ArrayDeque<String> last = new ArrayDeque<>();
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(l -> l.contains(" ERROR ") || l.contains(" FATAL ") || EXCEPTION.matcher(l).find())
                    .forEach(l -> {
                        if (last.size() == max) {
                            last.removeFirst();
                        }
                        last.addLast(l.length() > 500 ? l.substring(0, 500) + " ..." : l);
                    });
        } catch (IOException | UncheckedIOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
        return List.copyOf(last);
    }

    private static final Pattern EXCEPTION = Pattern.compile("^(Exception in thread \"[^\"]*\" |Caused by: )?[\\w.$]+(Exception|Error)(: |$)");

    /**
     * Copies the class file of {@code type} (a top-level class using only the JDK) into {@code root} under its
     * package path, so that {@code root} can go on another JVM's classpath alone; returns {@code root}.
     */
    public static Path writeClassFile(Path root, Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        Path target = root.resolve(resource);
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("class file " + resource + " not found");
            }
            Files.createDirectories(target.getParent());
            Files.write(target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
        return root;
    }

    /** Deletes a directory tree, ignoring files that vanish meanwhile. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

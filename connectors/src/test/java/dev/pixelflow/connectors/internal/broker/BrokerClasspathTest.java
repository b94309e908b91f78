package dev.pixelflow.connectors.internal.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerClasspathTest {

    @TempDir
    Path root;

    @Test
    void searchFindsTheFileFromTheRootTheModuleOrBelow() throws Exception {
        Path file = root.resolve(BrokerClasspath.RELATIVE);
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
        Path src = Files.createDirectories(root.resolve("connectors/src/main"));
        assertEquals(file, BrokerClasspath.search(root));
        assertEquals(file, BrokerClasspath.search(root.resolve("connectors")).normalize());
        assertEquals(file, BrokerClasspath.search(src).normalize());
        assertNull(BrokerClasspath.search(Files.createTempDirectory("pixelflow-no-broker-")));
    }

    @Test
    void readChecksEveryJar() throws Exception {
        Path jar = Files.writeString(root.resolve("a.jar"), "");
        Path good = Files.writeString(root.resolve("good.txt"), jar + File.pathSeparator + root + "\n");
        assertEquals(jar + File.pathSeparator + root, BrokerClasspath.read(good));

        Path empty = Files.writeString(root.resolve("empty.txt"), "  \n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BrokerClasspath.read(empty));
        assertTrue(e.getMessage().contains("empty") && e.getMessage().contains("./pixelflow build"), e.getMessage());

        Path missing = Files.writeString(root.resolve("missing.txt"), jar + File.pathSeparator + root.resolve("gone.jar"));
        e = assertThrows(IllegalStateException.class, () -> BrokerClasspath.read(missing));
        assertTrue(e.getMessage().contains("gone.jar") && e.getMessage().contains("1 missing"), e.getMessage());
    }

    @Test
    void aPropertyNamingNoFileIsAClearError() {
        String old = System.getProperty(BrokerClasspath.PROPERTY);
        try {
            System.setProperty(BrokerClasspath.PROPERTY, root.resolve("nope.txt").toString());
            IllegalStateException e = assertThrows(IllegalStateException.class, BrokerClasspath::find);
            assertTrue(e.getMessage().contains("nope.txt") && e.getMessage().contains("./pixelflow build"),
                    e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(BrokerClasspath.PROPERTY);
            } else {
                System.setProperty(BrokerClasspath.PROPERTY, old);
            }
        }
    }

    @Test
    void freePortsAreFree() {
        int p = BrokerFiles.freeLoopbackPort();
        assertTrue(p > 0 && BrokerFiles.isFree(p));
    }

    @Test
    void errorLinesPickErrorsAndExceptions() throws Exception {
        Path f = Files.writeString(root.resolve("log"), String.join("\n",
                "2026-01-01T00:00:00.000 [main] INFO kafka.Foo - fine",
                "2026-01-01T00:00:00.001 [main] ERROR kafka.Foo - broken",
                "Exception in thread \"main\" org.apache.kafka.common.KafkaException: Socket server failed to bind",
                "\tat kafka.Foo.bar(Foo.scala:1)",
                "Caused by: java.net.BindException: Address already in use",
                "\tsome.config.Exception = none") + "\n");
        assertEquals(List.of("2026-01-01T00:00:00.001 [main] ERROR kafka.Foo - broken",
                "Exception in thread \"main\" org.apache.kafka.common.KafkaException: Socket server failed to bind",
                "Caused by: java.net.BindException: Address already in use"), BrokerFiles.errorLines(f, 10));
        assertEquals(1, BrokerFiles.errorLines(f, 1).size());
        assertEquals(List.of(), BrokerFiles.errorLines(root.resolve("none"), 3));
    }

    @Test
    void tailKeepsWholeLines() throws Exception {
        Path f = Files.writeString(root.resolve("log"), "first line\nsecond line\nthird\n");
        assertEquals("third\n", BrokerFiles.tail(f, 10));
        assertEquals("", BrokerFiles.tail(root.resolve("none"), 10));
    }
}

package dev.pixelflow.connectors.internal.broker;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Instant;
import java.util.Arrays;

/**
 * Main class of the broker JVM: {@code ParentWatchdogMain <main class> <args>...} runs the real main and stops
 * the JVM when the process that started it is gone. The parent holds the write end of this JVM's stdin; the
 * operating system closes it however the parent ends, {@code kill -9} included, so end-of-file on stdin means
 * "the parent is gone" without polling. {@code System.exit} then runs Kafka's own shutdown hook, which stops
 * the broker cleanly. Without this, a killed test run or demo would leave an orphan broker holding its ports.
 *
 * <p>Uses only the JDK: its class file is copied next to the broker's data so that none of pixelflow's other
 * classes (built against another kafka-clients version) reach the broker's classpath.
 */
public final class ParentWatchdogMain {

    private ParentWatchdogMain() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: ParentWatchdogMain <main class> [args...]");
            System.exit(2);
        }
        Thread watchdog = new Thread(ParentWatchdogMain::exitWhenStdinCloses, "pixelflow-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        MethodHandle main = MethodHandles.publicLookup().findStatic(Class.forName(args[0]), "main",
                MethodType.methodType(void.class, String[].class));
        main.invokeExact(Arrays.copyOfRange(args, 1, args.length));
    }

    private static void exitWhenStdinCloses() {
        InputStream in = System.in;
        byte[] ignored = new byte[64];
        try {
            while (in.read(ignored) != -1) {
                // the parent never writes; anything it sends is discarded
            }
        } catch (IOException e) {
            // a broken pipe means the same as end-of-file
        }
        System.err.println(Instant.now() + " pixelflow: the process that started this broker has ended;"
                + " stopping the broker");
        System.exit(0);
    }
}

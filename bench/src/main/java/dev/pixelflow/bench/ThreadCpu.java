package dev.pixelflow.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of this JVM's Java threads, grouped by name with the numbers taken out ("...-dispatcher-12" and
 * "...-dispatcher-7" are one group), summed over measured intervals, with the wall time and the whole process's
 * CPU time of the same intervals. It says where a benchmark's CPU goes besides the thread that does the work
 * (stream stages, Kafka clients, other pools). The JIT compiler and GC threads are not Java threads: they show
 * only in the process's CPU, as its excess over the Java threads' (bench/tools/thread_cpu.py names them); the
 * report adds the compilers' time and the GC pauses as the JVM's management beans count them. A thread that both
 * starts and ends within an interval is not counted.
 *
 * <p>On Linux it also counts the process's context switches (all native threads, from
 * {@code /proc/self/task/<tid>/status}): a thread that parks and is woken again costs a voluntary switch each
 * time, which on a virtual machine is expensive, so this says how often the stream's threads hand work to each
 * other.
 */
final class ThreadCpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    private final List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
    private final com.sun.management.OperatingSystemMXBean os =
            ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    private final Map<String, Long> totals = new TreeMap<>();
    private Map<Long, Long> start = Map.of();
    private Map<Long, String> names = Map.of();
    private int intervals;
    private long processStart;
    private long wallStart;
    private long processTotal;
    private long wallTotal;
    private final long[] jitGcStart = new long[3];
    private final long[] jitGcEnd = new long[3];
    private final long[] jitGcTotal = new long[3];
    private Map<String, Long> switchesStart = Map.of();
    private final Map<String, Long> switchesTotal = new TreeMap<>();

    ThreadCpu() {
        if (!mx.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot measure thread CPU time");
        }
        mx.setThreadCpuTimeEnabled(true);
    }

    /** Starts an interval: every live thread's CPU time so far. */
    void begin() {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> named = new HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null) {
                cpu.put(t.getThreadId(), mx.getThreadCpuTime(t.getThreadId()));
                named.put(t.getThreadId(), t.getThreadName());
            }
        }
        start = cpu;
        names = named;
        switchesStart = contextSwitches();
        jitGc(jitGcStart);
        processStart = os.getProcessCpuTime();
        wallStart = System.nanoTime();
    }

    /** Ends the interval: adds each group's CPU since {@link #begin} (threads started meanwhile from zero). */
    void end() {
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long now = mx.getThreadCpuTime(t.getThreadId());
            if (now < 0) {
                continue; // died meanwhile
            }
            long used = now - start.getOrDefault(t.getThreadId(), 0L);
            String name = names.getOrDefault(t.getThreadId(), t.getThreadName());
            totals.merge(group(name), used, Long::sum);
        }
        jitGc(jitGcEnd);
        for (int i = 0; i < jitGcEnd.length; i++) {
            jitGcTotal[i] += jitGcEnd[i] - jitGcStart[i];
        }
        contextSwitches().forEach((name, n) ->
                switchesTotal.merge(name, n - switchesStart.getOrDefault(name, 0L), Long::sum));
        processTotal += os.getProcessCpuTime() - processStart;
        wallTotal += System.nanoTime() - wallStart;
        intervals++;
    }

    /**
     * Into {@code out}: the JIT compilers' total compilation time (ms, -1 where not monitored), the collectors'
     * collection count and time (ms; for G1 the pauses, not its concurrent threads' work).
     */
    private void jitGc(long[] out) {
        out[0] = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        out[1] = 0;
        out[2] = 0;
        for (GarbageCollectorMXBean gc : gcs) {
            out[1] += Math.max(0, gc.getCollectionCount());
            out[2] += Math.max(0, gc.getCollectionTime());
        }
    }

    /**
     * Context switches (voluntary + involuntary) of all live native threads of this process so far, by thread
     * group of the kernel's thread name (the Java name cut to 15 characters, so "pipeline-bench-..." covers all
     * of the job's Pekko threads); empty where {@code /proc} is not readable (not Linux).
     */
    static Map<String, Long> contextSwitches() {
        Map<String, Long> sum = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = "?";
                    long n = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("Name:")) {
                            name = group(line.substring(5).trim());
                        } else if (line.startsWith("voluntary_ctxt_switches:")
                                || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    sum.merge(name, n, Long::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return sum;
    }

    /** A thread's group: its name with runs of digits replaced by '#'. */
    static String group(String threadName) {
        return threadName.replaceAll("[0-9]+", "#");
    }

    /**
     * Per interval (one operation of a single-shot benchmark): wall time and process CPU in milliseconds, context
     * switches (where counted), the JIT's compilation time and the GC's pauses, the Java threads' CPU, then each
     * group's, largest first (groups under 0.05 ms left out). Empty without an interval.
     */
    String report() {
        if (intervals == 0) {
            return "";
        }
        double ops = intervals;
        StringBuilder out = new StringBuilder();
        long all = totals.values().stream().mapToLong(Long::longValue).sum();
        out.append(String.format(Locale.ROOT, "%8.1f ms  wall time%n", wallTotal / 1e6 / ops));
        out.append(String.format(Locale.ROOT, "%8.1f ms  process CPU (all threads, JIT and GC included)%n",
                processTotal / 1e6 / ops));
        long switches = switchesTotal.values().stream().mapToLong(Long::longValue).sum();
        if (switches > 0) {
            out.append(String.format(Locale.ROOT, "%8.0f     context switches of the process; by kernel thread name:",
                    switches / ops));
            switchesTotal.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() / ops >= 1).limit(6)
                    .forEach(e -> out.append(String.format(Locale.ROOT, " %s %.0f,", e.getKey(), e.getValue() / ops)));
            out.setLength(out.length() - 1);
            out.append(System.lineSeparator());
        }
        if (jitGcStart[0] >= 0) {
            out.append(String.format(Locale.ROOT, "%8.1f ms  JIT compilation (elapsed, summed over compilations)%n",
                    jitGcTotal[0] / ops));
        }
        out.append(String.format(Locale.ROOT, "%8.1f ms  GC pauses (%.2f collections)%n", jitGcTotal[2] / ops,
                jitGcTotal[1] / ops));
        out.append(String.format(Locale.ROOT, "%8.1f ms  Java threads%n", all / 1e6 / ops));
        totals.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() / 1e6 / ops >= 0.05)
                .forEach(e -> out.append(String.format(Locale.ROOT, "%8.1f ms  %s%n", e.getValue() / 1e6 / ops,
                        e.getKey())));
        return out.toString();
    }
}

package dev.pixelflow.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's Java threads, grouped by name with the numbers taken out ("...-dispatcher-12" and
 * "...-dispatcher-7" are one group), summed over measured intervals, with the wall time and the whole process's
 * CPU time of the same intervals. It says where a benchmark's CPU goes besides the thread that does the work
 * (stream stages, Kafka clients, other pools). The JIT compiler and GC threads are not Java threads: they show
 * only in the process's CPU, as its excess over the Java threads' (bench/tools/thread_cpu.py names them). A
 * thread that both starts and ends within an interval is not counted.
 */
final class ThreadCpu {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
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
        processTotal += os.getProcessCpuTime() - processStart;
        wallTotal += System.nanoTime() - wallStart;
        intervals++;
    }

    /** A thread's group: its name with runs of digits replaced by '#'. */
    static String group(String threadName) {
        return threadName.replaceAll("[0-9]+", "#");
    }

    /**
     * Milliseconds per interval (one operation of a single-shot benchmark): wall time, process CPU, the Java
     * threads' CPU, then each group's, largest first (groups under 0.05 ms left out). Empty without an interval.
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
        out.append(String.format(Locale.ROOT, "%8.1f ms  Java threads%n", all / 1e6 / ops));
        totals.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() / 1e6 / ops >= 0.05)
                .forEach(e -> out.append(String.format(Locale.ROOT, "%8.1f ms  %s%n", e.getValue() / 1e6 / ops,
                        e.getKey())));
        return out.toString();
    }
}

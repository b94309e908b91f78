package dev.pixelflow.deploy;

import static dev.pixelflow.deploy.ChildJobs.awaitOrFail;
import static dev.pixelflow.deploy.ChildJobs.committed;
import static dev.pixelflow.deploy.ChildJobs.finishInput;
import static dev.pixelflow.deploy.ChildJobs.produce;
import static dev.pixelflow.deploy.ChildJobs.read;
import static dev.pixelflow.deploy.ChildJobs.reader;
import static dev.pixelflow.deploy.ChildJobs.startChild;
import static dev.pixelflow.deploy.ChildJobs.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelflow.connectors.FrameCodec;
import dev.pixelflow.connectors.LocalKafkaBroker;
import dev.pixelflow.simd.checkpoint.CheckpointFiles;
import dev.pixelflow.streams.data.MixedFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.pixelflow.deploy.ChildJobs.Outputs;
import dev.pixelflow.deploy.ChildJobs.Sent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and resume of {@code pixelflow run} against a real broker: the job runs in a child JVM that is killed
 * with SIGKILL mid-stream (no shutdown hook, no final commit or checkpoint), then a second child with the same
 * config and consumer group resumes. Checks at-least-once results for every unlabelled frame, that the
 * segmentation model resumed from its newest checkpoint (the step counter continues), that training went on
 * past it, and that a SIGTERM stop commits the group to the end of the input within its shutdown phase.
 * Progress and the duplicate count (results for frames re-delivered after the crash) go to stdout.
 */
class CrashResumeTest {
    private static final int SIZE = 32;
    private static final int PARTITIONS = 2;
    private static final Pattern RESUMED =
            Pattern.compile("segmentation: resumed from (\\S+) at step (\\d+)");

    private static final Pattern PHASE_TIMED_OUT =
            Pattern.compile("Coordinated shutdown phase \\[[^\\]]+\\] timed out");

    @Test
    void killedJobResumesFromItsCheckpointAndServesEveryUnlabelledFrame(@TempDir Path tmp) throws Exception {
        long t0 = System.nanoTime();
        String id = Long.toString(System.nanoTime(), 36);
        String input = "crash-frames-" + id;
        String masks = "crash-masks-" + id;
        String embeddings = "crash-embeddings-" + id;
        String group = "crash-" + id;
        Path checkpoints = Files.createDirectories(tmp.resolve("checkpoints"));
        Path segDir = checkpoints.resolve("segmentation");
        Path log1 = tmp.resolve("child-1.log");
        Path log2 = tmp.resolve("child-2.log");
        Process child1 = null;
        Process child2 = null;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start()) {
            String bs = broker.bootstrapServers();
            at(t0, "broker up");
            broker.createTopic(input, PARTITIONS);
            // Created here (the job would create them too) so the reader can be assigned before the job starts.
            broker.createTopic(masks, PARTITIONS);
            broker.createTopic(embeddings, PARTITIONS);
            Path config = tmp.resolve("job.conf");
            Files.writeString(config, """
                    kafka-bootstrap = "%s"
                    # The killed consumer never leaves the group: the coordinator waits one session timeout
                    # (Kafka's default 45 s) before child #2 gets the partitions; 6 s is the broker's minimum.
                    pekko.kafka.consumer.kafka-clients.session.timeout.ms = 6000
                    # Commit at least every second (default 10 s) so that offsets are committed before the kill
                    # and the duplicate check below has a committed offset to check against.
                    pekko.kafka.committer.max-interval = 1s
                    pixelflow.pipeline {
                      input-topic = "%s"
                      masks-topic = "%s"
                      embeddings-topic = "%s"
                      metrics-topic = "crash-metrics-%s"
                      group-id = "%s"
                      frame { channels = 1, height = 32, width = 32 }
                      metrics-window = 1s
                      checkpoint { dir = "%s", every-steps = 10, every = 2s }
                    }
                    """.formatted(bs, input, masks, embeddings, id, group,
                    checkpoints.toString().replace("\\", "\\\\")));

            Map<String, Sent> sent = new HashMap<>();
            Outputs out = new Outputs(masks);
            try (MixedFrames gen = new MixedFrames(SIZE, 6, 11);
                 KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs), new StringSerializer(), new ByteArraySerializer());
                 KafkaConsumer<String, byte[]> reader = reader(bs, List.of(masks, embeddings), PARTITIONS)) {
                long[] seq = {0};

                // 1. First part, child #1 until it has checkpointed and served results, more frames, then kill -9.
                produce(producer, gen, input, 800, seq, sent);
                at(t0, "part 1 produced");
                child1 = startChild(config, log1);
                Process c1 = child1;
                // A step-count checkpoint (every-steps = 10), so that "resumed, not restarted" is unambiguous.
                awaitOrFail("child #1: a segmentation checkpoint at step >= 10 and some masks",
                        Duration.ofSeconds(60), c1, log1, () -> {
                            out.poll(reader);
                            return newestStepWhileRunning(segDir) >= 10 && !out.masks.isEmpty();
                        });
                at(t0, "child #1 checkpointed and served masks");
                produce(producer, gen, input, 400, seq, sent);
                long midStream = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                while (System.nanoTime() < midStream) {
                    out.poll(reader);
                }
                assertTrue(child1.isAlive(), "child #1 died before the kill:\n" + tail(log1));
                child1.destroyForcibly();
                assertTrue(child1.waitFor(30, TimeUnit.SECONDS), "child #1 did not die on SIGKILL");
                at(t0, "child #1 killed");
                long s1 = latestStep(segDir);
                Map<TopicPartition, Long> committedAtKill = committed(broker, group, input);
                int masksAtKill = out.masks.size();
                System.out.printf("crash-resume: child #1 killed (exit %d) with %d frames sent, newest segmentation"
                                + " checkpoint step %d, committed %s, %d mask records so far%n",
                        child1.exitValue(), sent.size(), s1, committedAtKill, masksAtKill);
                assertTrue(s1 > 0, "a segmentation checkpoint at kill time:\n" + tail(log1));
                assertTrue(read(log1).contains("segmentation: no checkpoint in"), "child #1 started from fresh"
                        + " weights:\n" + tail(log1));

                // 2. Child #2, same config and group: resumes, serves everything; a third part while it runs
                // makes sure it has labelled frames of its own to train on.
                child2 = startChild(config, log2);
                Process c2 = child2;
                awaitOrFail("child #2: resumed from a segmentation checkpoint", Duration.ofSeconds(60), c2, log2,
                        () -> {
                            out.poll(reader);
                            return RESUMED.matcher(read(log2)).find();
                        });
                at(t0, "child #2 resumed");
                produce(producer, gen, input, 200, seq, sent);
                // Results for the outputs of child #1 may already cover most unlabelled frames while child #2 is
                // still consuming its backlog; one last unlabelled frame per partition, served only once child #2
                // has consumed everything before it, makes the wait below cover the whole input.
                Set<String> unlabelled = finishInput(producer, gen, input, PARTITIONS, seq, sent);
                awaitOrFail("child #2: a mask and an embedding for each of " + unlabelled.size()
                                + " unlabelled frames", Duration.ofSeconds(60), c2, log2,
                        () -> {
                            out.poll(reader);
                            return out.masks.keySet().containsAll(unlabelled)
                                    && out.embeddings.keySet().containsAll(unlabelled);
                        });
                at(t0, "child #2 served every unlabelled frame");

                // Clean stop: SIGTERM runs CoordinatedShutdown (drain, commit, checkpoint) from the JVM's
                // shutdown hook; the JVM then exits with 143 (128 + SIGTERM), which is what this test sees.
                child2.destroy();
                assertTrue(child2.waitFor(60, TimeUnit.SECONDS), "child #2 did not stop on SIGTERM:\n" + tail(log2));
                int exit = child2.exitValue();
                at(t0, "child #2 stopped");
                for (int i = 0; i < 3; i++) {
                    out.poll(reader);
                }
                String log = read(log2);
                String where = "\n--- child #2 log tail ---\n" + tail(log2);

                // (a) at-least-once: every unlabelled frame has results, nothing else has any; duplicates only
                // for frames the group had not committed when child #1 was killed.
                for (var e : Map.of("masks", out.masks, "embeddings", out.embeddings).entrySet()) {
                    for (String src : e.getValue().keySet()) {
                        assertEquals(Sent.UNLABELLED, sent.get(src), e.getKey() + " record for " + src + where);
                    }
                    assertTrue(e.getValue().keySet().containsAll(unlabelled), e.getKey() + " for every unlabelled"
                            + " frame" + where);
                }
                int duplicates = 0;
                for (Map<String, Integer> byTopic : List.of(out.masks, out.embeddings)) {
                    for (var e : byTopic.entrySet()) {
                        if (e.getValue() > 1) {
                            duplicates += e.getValue() - 1;
                            String[] po = e.getKey().split("@");
                            long committedOffset = committedAtKill.getOrDefault(
                                    new TopicPartition(input, Integer.parseInt(po[0])), 0L);
                            assertTrue(Long.parseLong(po[1]) >= committedOffset, "duplicate result for " + e.getKey()
                                    + " below the offset committed at kill time " + committedOffset + where);
                        }
                    }
                }

                // (b) child #2 resumed from a checkpoint at least as new as the newest one at kill time.
                Matcher m = RESUMED.matcher(log);
                assertTrue(m.find(), "child #2 resumed segmentation from a checkpoint" + where);
                long resumedStep = Long.parseLong(m.group(2));
                assertTrue(resumedStep >= s1, "resumed at step " + resumedStep + ", newest checkpoint at kill time "
                        + s1 + where);

                // (c) training went on past the resumed step, and the clean stop checkpointed it.
                long s2 = latestStep(segDir);
                assertTrue(s2 > s1, "newest segmentation checkpoint after the clean stop: step " + s2 + ", at kill"
                        + " time " + s1 + where);

                // (d) the clean stop committed the group to the end of the input; SIGTERM exit status.
                Map<TopicPartition, Long> ends = new HashMap<>();
                List<TopicPartition> inputParts = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    inputParts.add(new TopicPartition(input, p));
                }
                reader.endOffsets(inputParts).forEach(ends::put);
                Map<TopicPartition, Long> committedAtEnd = committed(broker, group, input);
                assertEquals(ends, committedAtEnd, "committed offsets after the clean stop vs end offsets" + where);
                assertTrue(exit == 0 || exit == 143, "exit status after SIGTERM: " + exit + where);
                // The drain/commit/checkpoint task finished within its CoordinatedShutdown phase (a timed-out
                // phase moves on without the final checkpoints).
                assertFalse(PHASE_TIMED_OUT.matcher(log).find(), "a shutdown phase timed out" + where);

                System.out.printf("crash-resume: %d frames (%d unlabelled); kill at step %d, resumed at %d, final step"
                                + " %d; %d mask + %d embedding records, %d duplicates; committed %s of %s; child #2"
                                + " exit %d; %.1f s%n", sent.size(), unlabelled.size(), s1, resumedStep, s2,
                        out.maskRecords, out.embeddingRecords, duplicates, committedAtEnd, ends, exit,
                        (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            for (Process p : new Process[] {child1, child2}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
            // The whole child logs outlive the temporary folder, for a look after a failure.
            Path keep = Files.createDirectories(Path.of("target", "crash-resume"));
            for (Path log : List.of(log1, log2)) {
                if (Files.exists(log)) {
                    Files.copy(log, keep.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void at(long t0, String what) {
        System.out.printf("crash-resume: %5.1f s %s%n", (System.nanoTime() - t0) / 1e9, what);
    }

    /** {@link #latestStep} while the job writes (and deletes older) checkpoints: -1 on a lost race. */
    private static long newestStepWhileRunning(Path dir) {
        try {
            var latest = CheckpointFiles.latest(dir);
            return latest.isEmpty() ? -1 : CheckpointFiles.read(latest.get()).step();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The step of the newest checkpoint in {@code dir}, or -1. */
    private static long latestStep(Path dir) {
        try {
            var latest = CheckpointFiles.latest(dir);
            return latest.isEmpty() ? -1 : CheckpointFiles.read(latest.get()).step();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the newest checkpoint in " + dir, e);
        }
    }

}

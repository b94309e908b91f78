package dev.pixelflow.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.pixelflow.connectors.Frame;
import dev.pixelflow.simd.Ops;
import dev.pixelflow.simd.checkpoint.CheckpointFiles;
import dev.pixelflow.streams.data.MixedFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelOwnerTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Ops OPS = Ops.builder().threads(1).build();
    private static final PipelineSettings SETTINGS = PipelineSettings.fromConfig(ConfigFactory.parseString(
            "pixelflow.pipeline.frame { channels = 1, height = 16, width = 16 }")
            .withFallback(ConfigFactory.defaultReference()).resolve());

    @AfterAll
    static void shutdown() {
        KIT.shutdownTestKit();
        OPS.close();
    }

    private static List<Frame> batch(MixedFrames gen) {
        List<Frame> f = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            f.add(gen.next(MixedFrames.Kind.SEGMENTATION_LABELLED, i));
        }
        return f;
    }

    private static ModelOwner.Settings settings(Path dir, double duty) {
        return new ModelOwner.Settings(2, dir, 1000, Duration.ofHours(1), 2, duty);
    }

    private static ModelOwner.Trained train(ActorRef<ModelOwner.Command> owner, List<Frame> frames) {
        TestProbe<ModelOwner.Trained> probe = KIT.createTestProbe();
        owner.tell(new ModelOwner.Train(frames, probe.getRef()));
        return probe.receiveMessage(Duration.ofSeconds(30));
    }

    private static void stop(ActorRef<ModelOwner.Command> owner) {
        TestProbe<Done> done = KIT.createTestProbe();
        owner.tell(new ModelOwner.Stop(done.getRef()));
        done.receiveMessage(Duration.ofSeconds(30));
    }

    @Test
    void checkpointsOnStopAndResumesTheStepCounter(@TempDir Path dir) throws Exception {
        MixedFrames gen = new MixedFrames(16, 3, 1);
        SnapshotHolder first = new SnapshotHolder();
        ActorRef<ModelOwner.Command> a = KIT.spawn(ModelOwner.create(new SegmentationModel(SETTINGS, OPS, 1), first,
                settings(dir, 1), () -> Map.of("frames-0", "24"), new MetricsWindow()));
        for (int i = 0; i < 3; i++) {
            assertEquals(i + 1, train(a, batch(gen)).result().step());
        }
        assertEquals(2, first.latest().version(), "snapshots every 2 steps");
        stop(a);
        assertEquals(3, first.latest().version(), "a last snapshot on stop");
        var c = CheckpointFiles.read(CheckpointFiles.latest(dir).orElseThrow());
        assertEquals(3, c.step());
        assertEquals("{frames-0=24}", c.metadata().get("offsets"));

        // The newest file is damaged: the owner falls back to the one before, loudly, and goes on.
        Files.write(CheckpointFiles.path(dir, 9), new byte[] {1, 2, 3});
        SnapshotHolder second = new SnapshotHolder();
        ActorRef<ModelOwner.Command> b = KIT.spawn(ModelOwner.create(new SegmentationModel(SETTINGS, OPS, 7), second,
                settings(dir, 1), Map::of, new MetricsWindow()));
        assertEquals(4, train(b, batch(gen)).result().step(), "the step counter continues from the checkpoint");
        assertNotNull(second.latest());
        stop(b);
        gen.close();
    }

    @Test
    void aBatchTheModelRejectsLeavesTheWeightsAndTheOwnerIntact(@TempDir Path dir) {
        MixedFrames gen = new MixedFrames(16, 4, 3);
        SnapshotHolder holder = new SnapshotHolder();
        MetricsWindow metrics = new MetricsWindow();
        ActorRef<ModelOwner.Command> owner = KIT.spawn(ModelOwner.create(new EmbeddingModel(SETTINGS, OPS, 1), holder,
                new ModelOwner.Settings(1, dir, 1000, Duration.ofHours(1), 2, 1), Map::of, metrics));
        List<Frame> labelled = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            labelled.add(gen.next(MixedFrames.Kind.IDENTITY_LABELLED, i));
        }
        assertTrue(train(owner, labelled).result().applied());
        float[] before = holder.latest().snapshot().values().toArray();
        List<Frame> unlabelled = new ArrayList<>(labelled);
        unlabelled.set(5, gen.next(MixedFrames.Kind.IDENTITY_UNLABELLED, 99));
        ModelOwner.Trained rejected = train(owner, unlabelled);
        assertTrue(!rejected.result().applied() && rejected.result().skipReason().contains("no identity label"),
                String.valueOf(rejected.result().skipReason()));
        assertEquals(1, metrics.total("embedding.rejected-batches"));
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, holder.latest().snapshot().values().toArray(),
                "weights unchanged");
        assertTrue(train(owner, labelled).result().applied(), "the owner goes on");
        stop(owner);
        gen.close();
    }

    @Test
    void aDutyCycleBelowOneDelaysTheAnswer(@TempDir Path dir) {
        MixedFrames gen = new MixedFrames(16, 3, 2);
        ActorRef<ModelOwner.Command> owner = KIT.spawn(ModelOwner.create(new SegmentationModel(SETTINGS, OPS, 1),
                new SnapshotHolder(), settings(dir, 0.25), Map::of, new MetricsWindow()));
        train(owner, batch(gen)); // warm-up
        long t0 = System.nanoTime();
        ModelOwner.Trained t = train(owner, batch(gen));
        long waited = System.nanoTime() - t0;
        long step = t.result().totalNanos();
        // Duty 0.25: the answer comes after the step plus a pause of three steps.
        assertTrue(waited >= 3.5 * step, "waited " + waited / 1e6 + " ms for a step of " + step / 1e6 + " ms");
        stop(owner);
        gen.close();
    }

    @Test
    void aReplicaContributesAndTakesTheAverageKeepingItsLocalProgress() {
        MixedFrames gen = new MixedFrames(16, 3, 1);
        SnapshotHolder snaps = new SnapshotHolder();
        TestProbe<dev.pixelflow.streams.cluster.ModelCoordinator.Contribute> coordinator = KIT.createTestProbe();
        var sync = new ModelOwner.Sync("node-a", 2, Duration.ofSeconds(30), coordinator.getRef()::tell);
        MetricsWindow metrics = new MetricsWindow();
        ActorRef<ModelOwner.Command> a = KIT.spawn(ModelOwner.create(new SegmentationModel(SETTINGS, OPS, 1), snaps,
                new ModelOwner.Settings(1, null, 1000, Duration.ofHours(1), 2, 1), Map::of, metrics, sync));
        train(a, batch(gen));
        coordinator.expectNoMessage(Duration.ofMillis(100));
        train(a, batch(gen));
        var c = coordinator.receiveMessage(Duration.ofSeconds(5));
        assertEquals("node-a", c.replica());
        assertEquals(0, c.baseVersion());
        assertEquals(2, c.steps());
        float[] sent = dev.pixelflow.streams.cluster.ParameterBlob.floats(c.parameters());
        assertArrayEquals(sent, snaps.latest().snapshot().values().toArray());

        // One more local step while the round runs, then the average arrives: average + local progress since.
        train(a, batch(gen));
        coordinator.expectNoMessage(Duration.ofMillis(100)); // one contribution in flight at a time
        float[] now = snaps.latest().snapshot().values().toArray();
        float[] avg = new float[sent.length];
        for (int i = 0; i < avg.length; i++) {
            avg[i] = 0.5f * sent[i];
        }
        c.replyTo().tell(new dev.pixelflow.streams.cluster.ModelCoordinator.Averaged("default-segmentation", 7, true,
                2, dev.pixelflow.streams.cluster.ParameterBlob.bytes(avg)));
        float[] expected = new float[sent.length];
        for (int i = 0; i < avg.length; i++) {
            expected[i] = avg[i] + (now[i] - sent[i]);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (metrics.total("segmentation.syncs") == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(1, metrics.total("segmentation.syncs"));
        assertArrayEquals(expected, snaps.latest().snapshot().values().toArray());

        // The next contribution is based on version 7 and counts the steps since the average was taken.
        train(a, batch(gen));
        train(a, batch(gen));
        var next = coordinator.receiveMessage(Duration.ofSeconds(5));
        assertEquals(7, next.baseVersion());
        assertEquals(2, next.steps());
        stop(a);
    }

    @Test
    void aReplicaWithoutAnAnswerContributesAgainWithoutWaitingForFrames() {
        MixedFrames gen = new MixedFrames(16, 3, 1);
        TestProbe<dev.pixelflow.streams.cluster.ModelCoordinator.Contribute> coordinator = KIT.createTestProbe();
        var sync = new ModelOwner.Sync("node-b", 1, Duration.ofMillis(300), coordinator.getRef()::tell);
        MetricsWindow metrics = new MetricsWindow();
        ActorRef<ModelOwner.Command> b = KIT.spawn(ModelOwner.create(new SegmentationModel(SETTINGS, OPS, 1),
                new SnapshotHolder(), new ModelOwner.Settings(1, null, 1000, Duration.ofHours(1), 2, 1), Map::of,
                metrics, sync));
        train(b, batch(gen));
        var first = coordinator.receiveMessage(Duration.ofSeconds(5));
        // The answer is lost; no more frames arrive: the owner sends again on its own.
        var again = coordinator.receiveMessage(Duration.ofSeconds(5));
        assertEquals(first.baseVersion(), again.baseVersion());
        assertEquals(1, again.steps());
        assertEquals(1, metrics.total("segmentation.sync-timeouts"));
        stop(b);
    }
}

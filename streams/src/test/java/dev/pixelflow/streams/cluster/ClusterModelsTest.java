package dev.pixelflow.streams.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.pixelflow.streams.ModelOwner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two cluster nodes in one JVM, talking over Artery on loopback: the coordinator entity lives on one of them,
 * both replicas' contributions (large enough for Artery's large-message stream) reach it as CBOR and both get the
 * same averaged version back.
 */
class ClusterModelsTest {
    private final List<ActorSystem<?>> systems = new ArrayList<>();

    @AfterEach
    void shutdown() {
        systems.forEach(ActorSystem::terminate);
        systems.forEach(s -> s.getWhenTerminated().toCompletableFuture().join());
    }

    private ActorSystem<Void> node() {
        Config c = ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.remote.artery.canonical { hostname = "127.0.0.1", port = 0 }
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                pekko.loglevel = WARNING
                pekko.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
                """).withFallback(ConfigFactory.load());
        ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), "pixelflow", c);
        systems.add(s);
        return s;
    }

    @Test
    void replicasOnTwoNodesAverageThroughOneShardedCoordinator() {
        ActorSystem<Void> a = node();
        ActorSystem<Void> b = node();
        Cluster.get(a).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
        Cluster.get(b).manager().tell(Join.create(Cluster.get(a).selfMember().address()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(up(a) == 2 && up(b) == 2) && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertEquals(2, up(a), "both nodes up");

        ClusterSettings settings = new ClusterSettings(true, "test", 1, Duration.ofSeconds(20), Duration.ofSeconds(40),
                null);
        ClusterModels onA = ClusterModels.start(a, settings);
        ClusterModels onB = ClusterModels.start(b, settings);
        TestProbe<ModelCoordinator.Averaged> probeA = TestProbe.create(a);
        TestProbe<ModelCoordinator.Averaged> probeB = TestProbe.create(b);
        ActorRef<ModelCoordinator.Averaged> replyA = adapterOf(a, probeA);
        ActorRef<ModelCoordinator.Averaged> replyB = adapterOf(b, probeB);
        ModelOwner.Sync syncA = onA.forModel("segmentation");
        ModelOwner.Sync syncB = onB.forModel("segmentation");

        int n = 200_000; // 800 kB: above Artery's default 256 KiB frames, within the 1 MiB configured
        float[] pa = new float[n];
        float[] pb = new float[n];
        for (int i = 0; i < n; i++) {
            pa[i] = i;
            pb[i] = -i;
        }
        syncA.coordinator().accept(new ModelCoordinator.Contribute(syncA.replica(), 0, 1, ParameterBlob.bytes(pa),
                replyA));
        var first = probeA.receiveMessage(Duration.ofSeconds(30));
        assertEquals(1, first.version());
        syncB.coordinator().accept(new ModelCoordinator.Contribute(syncB.replica(), 0, 1, ParameterBlob.bytes(pb),
                replyB));
        var joined = probeB.receiveMessage(Duration.ofSeconds(30));
        assertEquals(1, joined.version());
        assertArrayEquals(pa, ParameterBlob.floats(joined.parameters()), "b adopts version 1 from the other node");

        syncA.coordinator().accept(new ModelCoordinator.Contribute(syncA.replica(), 1, 1, ParameterBlob.bytes(pa),
                replyA));
        syncB.coordinator().accept(new ModelCoordinator.Contribute(syncB.replica(), 1, 1, ParameterBlob.bytes(pb),
                replyB));
        var va = probeA.receiveMessage(Duration.ofSeconds(30));
        var vb = probeB.receiveMessage(Duration.ofSeconds(30));
        assertEquals(2, va.version());
        assertEquals(2, vb.version());
        float[] avg = ParameterBlob.floats(va.parameters());
        assertEquals(0f, avg[n - 1]);
        assertArrayEquals(avg, ParameterBlob.floats(vb.parameters()));
        assertTrue(!syncA.replica().equals(syncB.replica()), "replicas are named by node");
    }

    private static ActorRef<ModelCoordinator.Averaged> adapterOf(ActorSystem<Void> s,
                                                                 TestProbe<ModelCoordinator.Averaged> probe) {
        TestProbe<ActorRef<ModelCoordinator.Averaged>> got = TestProbe.create(s);
        ActorRef<Object> owner = s.systemActorOf(Behaviors.<Object>setup(ctx -> {
            ActorRef<ModelCoordinator.Averaged> adapter = ctx.messageAdapter(ModelCoordinator.Averaged.class, a -> a);
            return Behaviors.receiveMessage(m -> {
                if (m instanceof ModelCoordinator.Averaged a) {
                    probe.getRef().tell(a);
                } else {
                    @SuppressWarnings("unchecked")
                    var r = (ActorRef<ActorRef<ModelCoordinator.Averaged>>) m;
                    r.tell(adapter);
                }
                return Behaviors.same();
            });
        }), "pixelflow-segmentation", org.apache.pekko.actor.typed.Props.empty());
        owner.tell(got.getRef());
        return got.receiveMessage();
    }

    private static long up(ActorSystem<?> s) {
        long n = 0;
        for (var m : Cluster.get(s).state().getMembers()) {
            if (m.status() == MemberStatus.up()) {
                n++;
            }
        }
        return n;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

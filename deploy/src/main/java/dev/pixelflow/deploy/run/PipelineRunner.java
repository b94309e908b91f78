package dev.pixelflow.deploy.run;

import com.typesafe.config.Config;
import dev.pixelflow.connectors.FrameFlowSettings;
import dev.pixelflow.connectors.FrameFlows;
import dev.pixelflow.connectors.TopicSetup;
import dev.pixelflow.streams.FramePipeline;
import dev.pixelflow.streams.PipelineListener;
import dev.pixelflow.streams.PipelineSettings;
import dev.pixelflow.streams.ModelSync;
import dev.pixelflow.streams.cluster.ClusterModels;
import dev.pixelflow.streams.cluster.ClusterSettings;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerSettings;

/**
 * Starts the streaming job from a config: the actor system, the topics (input checked, outputs created when
 * missing), the pipeline, and a CoordinatedShutdown task that drains, commits and checkpoints before the
 * actor system stops (on {@link #stop()}, SIGTERM or Ctrl-C).
 */
public final class PipelineRunner implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final FramePipeline.Running running;
    private final PipelineSettings settings;

    private PipelineRunner(ActorSystem<Void> system, FramePipeline.Running running, PipelineSettings settings) {
        this.system = system;
        this.running = running;
        this.settings = settings;
    }

    /** Starts the job; the config must hold the Kafka bootstrap servers in the pekko.kafka sections. */
    public static PipelineRunner start(Config config, PipelineListener listener) {
        PipelineSettings settings = PipelineSettings.fromConfig(config);
        FrameFlowSettings flow = FrameFlowSettings.fromConfig(config);
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "pixelflow", config);
        try {
            var classic = Adapter.toClassic(system);
            ConsumerSettings<String, byte[]> consumer = FrameFlows.consumerSettings(classic);
            ProducerSettings<String, byte[]> producer = FrameFlows.producerSettings(classic);
            try (Admin admin = TopicSetup.admin(consumer.getProperties())) {
                TopicSetup.fromConfig(config).ensure(admin, settings.inputTopic(), List.of(settings.masksTopic(),
                        settings.embeddingsTopic(), settings.metricsTopic(), flow.deadLetterTopic(settings.inputTopic())),
                        Duration.ofSeconds(60));
            }
            ClusterSettings cluster = ClusterSettings.fromConfig(config);
            ModelSync sync = ModelSync.NONE;
            if (cluster.enabled()) {
                if (!"cluster".equals(config.getString("pekko.actor.provider"))) {
                    throw new IllegalArgumentException("pixelflow.cluster.enabled needs pekko.actor.provider = cluster"
                            + " (set by cluster.conf unless overridden), got '"
                            + config.getString("pekko.actor.provider") + "'");
                }
                sync = ClusterModels.start(system, cluster);
            }
            FramePipeline.Running running = FramePipeline.start(system, settings, flow, consumer, producer, listener,
                    sync);
            if (cluster.enabled()) {
                reportMembership(system, running);
            }
            CoordinatedShutdown.get(classic).addTask(CoordinatedShutdown.PhaseServiceRequestsDone(),
                    "pixelflow-drain-commit-checkpoint", () -> running.stop().thenApply(d -> Done.getInstance()));
            return new PipelineRunner(system, running, settings);
        } catch (RuntimeException e) {
            system.terminate();
            throw e;
        }
    }

    /** Every second: this node's address and the number of members up, in the metrics (and so in the log). */
    private static void reportMembership(ActorSystem<Void> system, FramePipeline.Running running) {
        Cluster cluster = Cluster.get(system);
        running.metrics().label("cluster.node", cluster.selfMember().address().hostPort());
        system.scheduler().scheduleAtFixedRate(Duration.ZERO, Duration.ofSeconds(1), () -> {
            long up = 0;
            for (Member m : cluster.state().getMembers()) {
                if (m.status() == MemberStatus.up()) {
                    up++;
                }
            }
            running.metrics().gauge("cluster.members-up", up);
            running.metrics().gauge("cluster.unreachable", cluster.state().getUnreachable().size());
        }, system.executionContext());
    }

    public FramePipeline.Running running() {
        return running;
    }

    public PipelineSettings settings() {
        return settings;
    }

    /** Blocks until the actor system has terminated (after {@link #stop()} or a signal). */
    public void awaitTermination() {
        system.getWhenTerminated().toCompletableFuture().join();
    }

    /** Drains, commits, checkpoints, then terminates the actor system; blocks until done. */
    public void stop() {
        CoordinatedShutdown.get(Adapter.toClassic(system)).runAll(CoordinatedShutdown.unknownReason())
                .toCompletableFuture().join();
        awaitTermination();
    }

    @Override
    public void close() {
        stop();
    }
}

package dev.pixelflow.streams.cluster;

import dev.pixelflow.streams.ModelOwner;
import dev.pixelflow.streams.ModelSync;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Cluster Sharding of the {@link ModelCoordinator}s on this node and connects the node's model owners to
 * them: the {@link ModelSync} to pass to {@code FramePipeline.start}.
 */
public final class ClusterModels implements ModelSync {
    private final ClusterSharding sharding;
    private final ClusterSettings settings;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterModels.class);

    private final String node;
    private final long maxBlobBytes;

    private ClusterModels(ClusterSharding sharding, ClusterSettings settings, String node, long maxBlobBytes) {
        this.sharding = sharding;
        this.settings = settings;
        this.node = node;
        this.maxBlobBytes = maxBlobBytes;
    }

    /** Registers the coordinator entity type on this node (every node must, so each can host shards). */
    public static ClusterModels start(ActorSystem<?> system, ClusterSettings settings) {
        ModelStore store = settings.storeDir() == null ? ModelStore.none() : new FileModelStore(settings.storeDir());
        ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(ModelCoordinator.TYPE_KEY,
                ctx -> ModelCoordinator.create(ctx.getEntityId(), store, settings.roundTimeout())));
        String node = Cluster.get(system).selfMember().address().hostPort();
        // Headroom for the envelope, the replica name and the reply address around the blob.
        long frame = system.settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size");
        return new ClusterModels(sharding, settings, node, frame - 16 * 1024);
    }

    /** The coordinator of a model, e.g. for status queries. */
    public EntityRef<ModelCoordinator.Command> coordinator(String modelName) {
        return sharding.entityRefFor(ModelCoordinator.TYPE_KEY, settings.modelKey(modelName));
    }

    @Override
    public ModelOwner.@Nullable Sync forModel(String modelName) {
        EntityRef<ModelCoordinator.Command> ref = coordinator(modelName);
        AtomicBoolean reported = new AtomicBoolean();
        return new ModelOwner.Sync(node, settings.syncEverySteps(), settings.replyTimeout(), c -> {
            if (c.parameters().length > maxBlobBytes) {
                // Artery would drop the message; say why once instead of timing out silently forever.
                if (!reported.getAndSet(true)) {
                    LOG.error("{}: {} bytes of parameters do not fit Artery's frames ({} bytes with headroom);"
                                    + " raise pekko.remote.artery.advanced.maximum-frame-size; training goes on"
                                    + " without averaging", modelName, c.parameters().length, maxBlobBytes);
                }
                return;
            }
            ref.tell(c);
        });
    }
}

package dev.pixelflow.streams.cluster;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Settings of the scale-out, read from {@value #SECTION} (commented defaults in this module's
 * {@code reference.conf}). The cluster itself (Artery address, seed nodes, split-brain resolver) is configured in
 * Pekko's own sections.
 *
 * @param enabled        run as a cluster node (the actor system must then use {@code pekko.actor.provider =
 *                       cluster})
 * @param modelGroup     prefix of the model keys: nodes with the same group and model name share one averaged
 *                       model (e.g. one group per camera site)
 * @param syncEverySteps a replica contributes its parameters after this many local training steps
 * @param roundTimeout   an averaging round closes at the latest this long after its first contribution
 * @param replyTimeout   a replica that got no answer in this time contributes again
 * @param storeDir       folder of the averaged models every node can reach; null = recover from the replicas
 */
public record ClusterSettings(boolean enabled, String modelGroup, int syncEverySteps, Duration roundTimeout,
                              Duration replyTimeout, @Nullable Path storeDir) {
    /** The config section read by {@link #fromConfig}. */
    public static final String SECTION = "pixelflow.cluster";

    public ClusterSettings {
        if (!modelGroup.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(SECTION + ".model-group must be letters, digits, '.', '_' or '-',"
                    + " got '" + modelGroup + "'");
        }
        if (syncEverySteps < 1) {
            throw new IllegalArgumentException(SECTION + ".sync-every-steps must be >= 1, got " + syncEverySteps);
        }
        if (roundTimeout.isNegative() || roundTimeout.isZero()) {
            throw new IllegalArgumentException(SECTION + ".round-timeout must be > 0, got " + roundTimeout);
        }
        if (replyTimeout.compareTo(roundTimeout) <= 0) {
            throw new IllegalArgumentException(SECTION + ".reply-timeout (" + replyTimeout
                    + ") must be longer than round-timeout (" + roundTimeout + ")");
        }
    }

    public static ClusterSettings fromConfig(Config root) {
        Config c = root.getConfig(SECTION);
        String dir = c.getString("model-store-dir").trim();
        return new ClusterSettings(c.getBoolean("enabled"), c.getString("model-group"), c.getInt("sync-every-steps"),
                c.getDuration("round-timeout"), c.getDuration("reply-timeout"), dir.isEmpty() ? null : Path.of(dir));
    }

    /** The sharded entity id of a model: {@code <model-group>-<model name>}. */
    public String modelKey(String modelName) {
        return modelGroup + "-" + modelName;
    }
}

package dev.pixelflow.deploy.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The job's configuration, highest priority first: {@code -D} system properties, {@code --bootstrap}, the
 * {@code --config} file, {@code cluster.conf} when {@code pixelflow.cluster.enabled} is on (with the seed nodes
 * of {@code pixelflow.cluster.seed-nodes}), {@code application.conf} (environment variables such as
 * {@code KAFKA_BOOTSTRAP_SERVERS}), then every module's {@code reference.conf}. Substitutions resolve across all
 * of them, so a file may set {@code kafka-bootstrap = "host:9092"} once for both clients.
 */
public final class RunConfig {
    private RunConfig() {
    }

    public static Config load(@Nullable Path file, @Nullable String bootstrap) {
        Config fromFile = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("config file " + file + " does not exist");
            }
            fromFile = ConfigFactory.parseFile(file.toFile());
        }
        Config overrides = ConfigFactory.systemProperties();
        if (bootstrap != null) {
            if (!bootstrap.contains(":")) {
                throw new IllegalArgumentException("--bootstrap needs HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
            }
            overrides = overrides.withFallback(ConfigFactory.empty()
                    .withValue("kafka-bootstrap", ConfigValueFactory.fromAnyRef(bootstrap)));
        }
        Config top = overrides.withFallback(fromFile);
        Config base = ConfigFactory.parseResources("application.conf").withFallback(ConfigFactory.defaultReference());
        Config probe = top.withFallback(base).resolve();
        if (!probe.getBoolean("pixelflow.cluster.enabled")) {
            return probe;
        }
        Config cluster = ConfigFactory.parseResources("cluster.conf");
        String seeds = probe.hasPath("pixelflow.cluster.seed-nodes")
                ? probe.getString("pixelflow.cluster.seed-nodes").trim() : "";
        if (!seeds.isEmpty()) {
            List<String> list = Arrays.stream(seeds.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            for (String seed : list) {
                if (!seed.matches("pekko://pixelflow@[^:/]+:\\d+")) {
                    throw new IllegalArgumentException("pixelflow.cluster.seed-nodes: '" + seed
                            + "' is not an address like pekko://pixelflow@HOST:PORT");
                }
            }
            cluster = ConfigFactory.empty().withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(list))
                    .withFallback(cluster);
        }
        return top.withFallback(cluster).withFallback(base).resolve();
    }
}

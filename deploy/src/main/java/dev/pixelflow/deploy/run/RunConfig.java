package dev.pixelflow.deploy.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The job's configuration, highest priority first: {@code -D} system properties, {@code --bootstrap}, the
 * {@code --config} file, {@code application.conf} (environment variables such as
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
        return overrides.withFallback(fromFile).withFallback(ConfigFactory.parseResources("application.conf"))
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }
}

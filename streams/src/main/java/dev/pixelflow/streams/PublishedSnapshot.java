package dev.pixelflow.streams;

import dev.pixelflow.simd.nn.ModelSnapshot;
import dev.pixelflow.simd.norm.NormStats;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A model snapshot as inference sees it: immutable weights, the version they carry (updates applied), and when
 * the model owner published them, for the {@value #AGE_HEADER} header of results, and the input statistics
 * the weights were trained with (online normalization; null otherwise) — inference must use the same.
 */
public record PublishedSnapshot(String model, ModelSnapshot snapshot, long publishedAtMillis,
                                @Nullable NormStats inputStats) {
    /** Header of every result record: milliseconds between the snapshot's publication and the result. */
    public static final String AGE_HEADER = "pixelflow.model-age-ms";

    public PublishedSnapshot {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    public long version() {
        return snapshot.version();
    }

    /** {@code <model>-v<version>}, the value of the model-version header. */
    public String versionLabel() {
        return model + "-v" + snapshot.version();
    }
}

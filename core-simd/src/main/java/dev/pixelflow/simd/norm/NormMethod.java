package dev.pixelflow.simd.norm;

/**
 * The normalization formula. Each is an affine map {@code y = (x - shift) / scale} per statistics group.
 *
 * <ul>
 *   <li>{@link #Z_SCORE}: shift = mean, scale = population std (ddof 0) + eps; a zero scale is replaced by 1,
 *       so a constant group becomes {@code x - mean}.</li>
 *   <li>{@link #MIN_MAX}: shift = min, scale = max - min, then mapped to the target range {@code [a, b]}
 *       as {@code a + y * (b - a)}; a zero range divides by 1 (as sklearn's MinMaxScaler).</li>
 *   <li>{@link #QUANTILE}: shift = q_lo quantile, scale = q_hi - q_lo quantile (numpy's default linear
 *       interpolation between order statistics), optionally clipped to [0, 1]; zero spread divides by 1.
 *       This is not sklearn's RobustScaler (which centres on the median).</li>
 * </ul>
 */
public enum NormMethod {
    Z_SCORE, MIN_MAX, QUANTILE
}

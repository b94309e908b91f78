/**
 * Checkpoints: a {@link dev.pixelflow.simd.checkpoint.Checkpoint} value (step, metadata, model parameters,
 * optimizer state, named arrays), its binary format, and {@link dev.pixelflow.simd.checkpoint.CheckpointFiles} for
 * atomic writes and validated reads.
 *
 * <h2>Format v1</h2>
 *
 * All integers and floats are little-endian; {@code u32}/{@code u8} are unsigned, {@code i64} signed; floats are
 * IEEE 754 ({@code f32}, {@code f64}) stored bit for bit (NaN payloads included). CRC32C is the Castagnoli CRC
 * ({@link java.util.zip.CRC32C}, as in iSCSI and ext4), stored as a u32. A {@code str} is a {@code u32} byte length
 * followed by that many bytes of UTF-8 (no terminator; decoding is strict).
 *
 * <pre>
 * Header, 24 bytes
 *   offset  size  field
 *   0       8     magic       89 50 58 43 4B 50 54 0A   ("\x89PXCKPT\n": the high byte and newline catch
 *                                                       text-mode and 7-bit transfers)
 *   8       4     u32 version 1
 *   12      4     u32 flags   0 (reserved; readers reject anything else)
 *   16      8     i64 step    the training step of the checkpoint, &gt;= 0
 *
 * Sections, one after the other: META, PARM (both required), then OPTM and ARRS (each optional), in this order,
 * each at most once. Any other tag is an error (a new kind of section means a new format version).
 *   +0      4     tag         4 ASCII bytes: "META", "PARM", "OPTM" or "ARRS"
 *   +4      8     i64 length  B, the body length in bytes
 *   +12     B     body        (below); must be consumed exactly
 *   +12+B   4     u32 crc     CRC32C of the B body bytes
 *
 * Trailer, 8 bytes, ending the file
 *   +0      4     tag         "END."
 *   +4      4     u32 crc     CRC32C of every byte of the file before this field (header, sections, "END.")
 *
 * META body: u32 count, then count x (str key, str value); keys unique, written in ascending String order.
 * PARM body: u32 count, then count x
 *              str name, u32 rank r (1..16), r x u32 dim (each &gt;= 1, product &lt; 2^31),
 *              product x f32 values (row-major)
 * OPTM body: str type ("sgd", "adam", "adamw"), i64 steps (&gt;= 0), u32 count, then count x
 *              str name (e.g. "exp_avg"), u32 n, n x f32   (flat, laid out like Model.values())
 * ARRS body: u32 count, then count x
 *              str name, u8 type (1 = f32, 2 = f64, 3 = i64), u32 n, n x element
 * </pre>
 *
 * <p>Names are non-empty and unique within their section. Parameters, optimizer tensors and arrays keep the order
 * they were added in; the writer is deterministic, so equal checkpoints encode to equal bytes.
 *
 * <p>Reading checks, in order: the length, the magic, the version (an unknown version is reported as such), the
 * file CRC (so truncation and damage are caught before any parsing), then each section's tag, length, CRC and
 * structure. Every length and count is checked against the bytes actually left before anything is allocated.
 * Any failure is a {@link dev.pixelflow.simd.checkpoint.CorruptCheckpointException} naming the file and the
 * problem.
 *
 * <p>Types are non-null unless annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 */
@NullMarked
package dev.pixelflow.simd.checkpoint;

import org.jspecify.annotations.NullMarked;

package dev.pixelflow.connectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ProducerMessage;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** Decode and result stages record by record, without a broker. */
class FrameEnvelopesTest {
    /** Only passed through and compared by identity; never committed here. */
    private static final CommittableOffset OFFSET = (CommittableOffset) Proxy.newProxyInstance(
            FrameEnvelopesTest.class.getClassLoader(), new Class<?>[] {CommittableOffset.class}, (p, m, a) -> {
                if (m.getName().equals("toString")) {
                    return "test offset";
                }
                throw new UnsupportedOperationException(m.getName());
            });

    private static CommittableMessage<String, byte[]> message(byte[] value, Headers headers) {
        return new CommittableMessage<>(new ConsumerRecord<>("in", 2, 17L, 0L, TimestampType.CREATE_TIME, -1, -1, "k",
                value, headers, Optional.empty()), OFFSET);
    }

    private static final FrameDeserializer DESERIALIZER = new FrameDeserializer(FrameLimits.DEFAULT);

    @Test
    void decodedFrameGivesNoneOneOrSeveralResultsWithOutputHeaders() {
        Frame frame = TestFrames.goldenU8LabelMask();
        FrameEnvelope e = FrameFlows.decode(message(FrameCodec.encode(frame), new RecordHeaders()), DESERIALIZER);
        FrameEnvelope.Decoded d = assertInstanceOf(FrameEnvelope.Decoded.class, e);
        assertEquals(frame, d.frame());
        assertEquals("in", d.topic());
        assertEquals(2, d.partition());
        assertEquals(17L, d.offset());
        assertEquals("k", d.key());
        assertSame(OFFSET, d.committableOffset());

        var none = FrameFlows.toProducerEnvelope(d, "m1", "in.dlq", x -> List.of());
        assertSame(OFFSET, assertInstanceOf(ProducerMessage.PassThroughMessage.class, none).passThrough());

        var one = FrameFlows.toProducerEnvelope(d, "m1", "in.dlq",
                x -> List.of(ResultRecord.of("out", x.key(), new byte[] {1})));
        ProducerRecord<String, byte[]> r = assertInstanceOf(ProducerMessage.Message.class, one).record();
        assertEquals("out", r.topic());
        assertEquals("k", r.key());
        assertEquals("m1", FrameHeaders.text(r.headers(), FrameHeaders.MODEL_VERSION));
        assertEquals("in", FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_TOPIC));
        assertEquals("2", FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_PARTITION));
        assertEquals("17", FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_OFFSET));

        var two = FrameFlows.toProducerEnvelope(d, "m1", "in.dlq", x -> List.of(
                ResultRecord.of("masks", null, new byte[] {2}),
                new ResultRecord("embeddings", "k", new byte[] {3}, FrameHeaders.shape(new RecordHeaders(), 128))));
        var multi = assertInstanceOf(ProducerMessage.MultiMessage.class, two);
        @SuppressWarnings("unchecked")
        List<ProducerRecord<String, byte[]>> records = CollectionConverters.asJava(multi.records());
        assertEquals(List.of("masks", "embeddings"), records.stream().map(ProducerRecord::topic).toList());
        assertEquals("128", FrameHeaders.text(records.get(1).headers(), FrameHeaders.SHAPE));
        assertEquals("17", FrameHeaders.text(records.get(1).headers(), FrameHeaders.SOURCE_OFFSET));
        assertSame(OFFSET, multi.passThrough());
    }

    @Test
    void failureBecomesOneDeadLetterWithOriginalValueAndHeaders() {
        byte[] bad = FrameCodec.encode(TestFrames.golden1x1());
        bad[bad.length - 1] ^= 1;
        Headers original = new RecordHeaders();
        original.add("camera", "door".getBytes(StandardCharsets.UTF_8));
        original.add(FrameHeaders.SOURCE_TOPIC, "stale".getBytes(StandardCharsets.UTF_8));
        FrameEnvelope.Failed f = assertInstanceOf(FrameEnvelope.Failed.class,
                FrameFlows.decode(message(bad, original), DESERIALIZER));
        assertEquals("FrameDecodeException", f.error());

        var env = FrameFlows.toProducerEnvelope(f, "m1", "in.dlq", x -> {
            throw new AssertionError("no results for a failure");
        });
        ProducerRecord<String, byte[]> r = assertInstanceOf(ProducerMessage.Message.class, env).record();
        assertSame(OFFSET, env.passThrough());
        assertEquals("in.dlq", r.topic());
        assertEquals("k", r.key());
        assertArrayEquals(bad, r.value());
        assertEquals("door", FrameHeaders.text(r.headers(), "camera"));
        assertEquals(6, r.headers().toArray().length, "camera plus five dead-letter headers");
        assertEquals("in", FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_TOPIC));
        assertEquals("2", FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_PARTITION));
        assertEquals("17", FrameHeaders.text(r.headers(), FrameHeaders.SOURCE_OFFSET));
        assertEquals(f.reason(), FrameHeaders.text(r.headers(), FrameFlows.DLQ_REASON));
        assertTrue(f.reason().startsWith("checksum mismatch"), f.reason());
        assertNull(FrameHeaders.text(r.headers(), FrameHeaders.MODEL_VERSION));
    }

    @Test
    void resultStageValidatesItsArguments() {
        assertThrows(IllegalArgumentException.class, () -> FrameFlows.results("", "dlq", x -> List.of()));
        assertThrows(IllegalArgumentException.class, () -> FrameFlows.results("m", "", x -> List.of()));
        assertThrows(IllegalArgumentException.class, () -> ResultRecord.of("", null, new byte[0]));
    }
}

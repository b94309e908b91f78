package dev.pixelflow.connectors;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.kafka.CommitterSettings;
import org.apache.pekko.kafka.ConsumerMessage.CommittableMessage;
import org.apache.pekko.kafka.ConsumerMessage.CommittableOffset;
import org.apache.pekko.kafka.ConsumerSettings;
import org.apache.pekko.kafka.ProducerMessage;
import org.apache.pekko.kafka.ProducerSettings;
import org.apache.pekko.kafka.Subscriptions;
import org.apache.pekko.kafka.javadsl.Committer;
import org.apache.pekko.kafka.javadsl.Consumer;
import org.apache.pekko.kafka.javadsl.Producer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.RunnableGraph;
import org.apache.pekko.stream.javadsl.Source;
import org.jspecify.annotations.Nullable;

/**
 * At-least-once Kafka streams of frames: a committable source of raw records, an in-order decode stage, a
 * result stage that sends each record's results (or, for a record that did not decode, one dead-letter
 * record) and a committer that commits an input offset only after everything produced for it is
 * acknowledged.
 *
 * <pre>
 * committableSource -> decode -> toProducerEnvelope -> Producer.flexiFlow -> Committer.sink
 *                      (Decoded | Failed, in order)   (results | dead letter)          (DrainingControl)
 * </pre>
 *
 * <p>Every input record yields exactly one producer envelope, in input order, so offsets are committed in
 * order and a bad record never stalls its partition. Dead-letter records keep the original key, value and
 * headers and add {@value #DLQ_REASON}, {@value #DLQ_ERROR} and the source topic/partition/offset
 * ({@link FrameHeaders#SOURCE_TOPIC} etc.).
 *
 * <p>Keys are UTF-8 strings, values raw bytes. Kafka client properties (bootstrap servers, group id,
 * SASL/SSL) come from Pekko's {@code pekko.kafka.consumer.kafka-clients} and
 * {@code pekko.kafka.producer.kafka-clients} config sections or the settings' {@code withProperty}. Keys set in
 * {@value #CONSUMER_CONFIG} override {@code pekko.kafka.consumer} for the consumers made here.
 */
public final class FrameFlows {
    /** Header of a dead-letter record: why the value did not decode (UTF-8 text). */
    public static final String DLQ_REASON = "pixelflow.dlq.reason";
    /** Header of a dead-letter record: simple class name of the decoding error, e.g. {@code FrameTooLargeException}. */
    public static final String DLQ_ERROR = "pixelflow.dlq.error";
    /** Config section whose keys override {@code pekko.kafka.consumer} for pixelflow's consumers. */
    public static final String CONSUMER_CONFIG = "pixelflow.connectors.kafka-consumer";

    private FrameFlows() {
    }

    /**
     * Consumer settings, String keys and byte[] values, from {@value #CONSUMER_CONFIG} over Pekko's
     * {@code pekko.kafka.consumer}: a key set in the former wins (pixelflow's reference.conf sets a 5 ms
     * {@code poll-interval} there), every other key comes from the latter.
     */
    public static ConsumerSettings<String, byte[]> consumerSettings(ActorSystem system) {
        Config config = system.settings().config();
        return ConsumerSettings.create(config.getConfig(CONSUMER_CONFIG)
                        .withFallback(config.getConfig("pekko.kafka.consumer")),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Producer settings from {@code pekko.kafka.producer}: String keys, byte[] values. */
    public static ProducerSettings<String, byte[]> producerSettings(ActorSystem system) {
        return ProducerSettings.create(system, new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    /** Raw records of {@code topic} with committable offsets (the consumer's group id must be set). */
    public static Source<CommittableMessage<String, byte[]>, Consumer.Control> committableSource(
            ConsumerSettings<String, byte[]> settings, String topic) {
        Objects.requireNonNull(settings, "settings");
        requireTopic(topic, "input topic");
        return Consumer.committableSource(settings, Subscriptions.topics(topic));
    }

    /** The decode stage: one envelope per record, in order; failures are envelopes, never stream errors. */
    public static Flow<CommittableMessage<String, byte[]>, FrameEnvelope, NotUsed> decode(FrameLimits limits) {
        FrameDeserializer deserializer = new FrameDeserializer(Objects.requireNonNull(limits, "limits"));
        return Flow.<CommittableMessage<String, byte[]>>create().map(m -> decode(m, deserializer));
    }

    /** Decodes one record's value into a {@link FrameEnvelope.Decoded} or a {@link FrameEnvelope.Failed}. */
    public static FrameEnvelope decode(CommittableMessage<String, byte[]> message, FrameDeserializer deserializer) {
        ConsumerRecord<String, byte[]> r = message.record();
        CommittableOffset offset = message.committableOffset();
        byte[] value = r.value();
        if (value == null) {
            return new FrameEnvelope.Failed("record has no value (tombstone)", "NullValue", null, r.headers(),
                    r.topic(), r.partition(), r.offset(), r.key(), offset);
        }
        try {
            Frame frame = deserializer.deserialize(r.topic(), r.headers(), value);
            return new FrameEnvelope.Decoded(frame, r.topic(), r.partition(), r.offset(), r.key(), offset);
        } catch (RuntimeException e) {
            // Any decoder failure (FrameDecodeException or an unexpected bug in an image reader) is a bad
            // record, not a reason to stop the stream: it goes to the dead-letter topic.
            String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            return new FrameEnvelope.Failed(reason, e.getClass().getSimpleName(), value, r.headers(), r.topic(),
                    r.partition(), r.offset(), r.key(), offset);
        }
    }

    /**
     * The producer envelope of one decoded or failed record.
     *
     * <p>Decoded: the records {@code results} returns, each with {@link FrameHeaders#output} headers, as
     * {@code ProducerMessage.single} (one), {@code multi} (several) or {@code passThrough} (none: the offset is
     * still committed). Failed: one record to {@code deadLetterTopic} with the original key, value and
     * headers plus {@value #DLQ_REASON}, {@value #DLQ_ERROR} and the source topic/partition/offset.
     * An exception thrown by {@code results} fails the stream.
     */
    public static ProducerMessage.Envelope<String, byte[], CommittableOffset> toProducerEnvelope(
            FrameEnvelope envelope, String modelVersion, String deadLetterTopic,
            Function<FrameEnvelope.Decoded, List<ResultRecord>> results) {
        return switch (envelope) {
            case FrameEnvelope.Failed f -> ProducerMessage.single(deadLetter(f, deadLetterTopic), f.committableOffset());
            case FrameEnvelope.Decoded d -> {
                List<ResultRecord> out = results.apply(d);
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>(out.size());
                for (ResultRecord rr : out) {
                    records.add(new ProducerRecord<>(rr.topic(), null, rr.key(), rr.value(),
                            rr.headers(modelVersion, d.topic(), d.partition(), d.offset())));
                }
                yield switch (records.size()) {
                    case 0 -> ProducerMessage.passThrough(d.committableOffset());
                    case 1 -> ProducerMessage.single(records.get(0), d.committableOffset());
                    default -> ProducerMessage.multi(records, d.committableOffset());
                };
            }
        };
    }

    /** The result stage: {@link #toProducerEnvelope} for every envelope. */
    public static Flow<FrameEnvelope, ProducerMessage.Envelope<String, byte[], CommittableOffset>, NotUsed> results(
            String modelVersion, String deadLetterTopic, Function<FrameEnvelope.Decoded, List<ResultRecord>> results) {
        requireTopic(deadLetterTopic, "dead-letter topic");
        if (modelVersion == null || modelVersion.isEmpty()) {
            throw new IllegalArgumentException("model version must be non-empty, got '" + modelVersion + "'");
        }
        Objects.requireNonNull(results, "results");
        return Flow.<FrameEnvelope>create().map(e -> toProducerEnvelope(e, modelVersion, deadLetterTopic, results));
    }

    /** The dead-letter record of a failed input record. */
    public static ProducerRecord<String, byte[]> deadLetter(FrameEnvelope.Failed f, String deadLetterTopic) {
        Headers h = new RecordHeaders(f.headers().toArray());
        for (String name : List.of(DLQ_REASON, DLQ_ERROR, FrameHeaders.SOURCE_TOPIC, FrameHeaders.SOURCE_PARTITION,
                FrameHeaders.SOURCE_OFFSET)) {
            h.remove(name);
        }
        h.add(DLQ_REASON, FrameHeaders.utf8(f.reason()));
        h.add(DLQ_ERROR, FrameHeaders.utf8(f.error()));
        h.add(FrameHeaders.SOURCE_TOPIC, FrameHeaders.utf8(f.topic()));
        h.add(FrameHeaders.SOURCE_PARTITION, FrameHeaders.utf8(Integer.toString(f.partition())));
        h.add(FrameHeaders.SOURCE_OFFSET, FrameHeaders.utf8(Long.toString(f.offset())));
        return new ProducerRecord<>(deadLetterTopic, null, f.key(), f.value(), h);
    }

    /**
     * The whole pipeline: source, decode, results or dead letter, {@code Producer.flexiFlow}, and
     * {@code Committer.sink}. Run it, and stop it with {@link Consumer.DrainingControl#drainAndShutdown}, which
     * lets in-flight records finish and commits their offsets.
     *
     * @param inputTopic the topic to consume; its dead-letter topic is {@code settings.deadLetterTopic(inputTopic)}
     */
    public static RunnableGraph<Consumer.DrainingControl<Done>> pipeline(ConsumerSettings<String, byte[]> consumerSettings,
            String inputTopic, FrameFlowSettings settings, String modelVersion,
            Function<FrameEnvelope.Decoded, List<ResultRecord>> results,
            ProducerSettings<String, byte[]> producerSettings, CommitterSettings committerSettings) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(producerSettings, "producerSettings");
        Objects.requireNonNull(committerSettings, "committerSettings");
        return committableSource(consumerSettings, inputTopic)
                .via(decode(settings.frameLimits()))
                .via(results(modelVersion, settings.deadLetterTopic(inputTopic), results))
                .via(Producer.flexiFlow(producerSettings))
                .map(ProducerMessage.Results::passThrough)
                .toMat(Committer.sink(committerSettings), Consumer::createDrainingControl);
    }

    private static void requireTopic(@Nullable String topic, String what) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException(what + " must be non-empty, got '" + topic + "'");
        }
    }
}

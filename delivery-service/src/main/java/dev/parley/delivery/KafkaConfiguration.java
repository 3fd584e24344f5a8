package dev.parley.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import dev.parley.schemas.AvroKafkaTemplates;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.DeadLetters;
import dev.parley.schemas.DatabaseOutages;
import dev.parley.schemas.GroupMembership;
import dev.parley.schemas.SchemaRegistrySetup;
import dev.parley.schemas.Topics;
import dev.parley.delivery.queue.OutboundQueue;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;

/** Topics, schemas, the Avro producer, and the listener factory with its dead-letter path and the queues' partitions. */
@Configuration
class KafkaConfiguration {

  @Bean
  KafkaAdmin.NewTopics parleyTopics(@Value("${parley.kafka.replication-factor:1}") short replicationFactor) {
    return new KafkaAdmin.NewTopics(Topics.newTopics(replicationFactor));
  }

  @Bean
  AvroSerdes avroSerdes(@Value("${parley.registry.url}") String registryUrl) {
    new SchemaRegistrySetup(registryUrl).ensure(List.of(Topics.DELIVERY_RECEIPTS, Topics.DEAD_LETTERS));
    return new AvroSerdes(registryUrl);
  }

  @Bean
  KafkaTemplate<String, SpecificRecord> kafkaTemplate(KafkaProperties properties, AvroSerdes serdes, MeterRegistry meters) {
    return AvroKafkaTemplates.create(properties.buildProducerProperties(), serdes, meters);
  }

  /**
   * Undecodable records and records that still fail after retries become dead letters with the
   * reason; the partition moves on.
   */
  @Bean
  ConcurrentKafkaListenerContainerFactory<String, SpecificRecord> kafkaListenerContainerFactory(
      KafkaProperties properties, AvroSerdes serdes, KafkaTemplate<String, SpecificRecord> template, OutboundQueue queue,
      @Value("${parley.instance-id:}") String instanceId, MeterRegistry meters) {
    var consumers = new DefaultKafkaConsumerFactory<String, SpecificRecord>(properties.buildConsumerProperties(),
        new StringDeserializer(), new ErrorHandlingDeserializer<>(serdes.<SpecificRecord>anyRecordSerde().deserializer()), false);
    consumers.addListener(new MicrometerConsumerListener<>(meters)); // with each consumer's lag
    var factory = new ConcurrentKafkaListenerContainerFactory<String, SpecificRecord>();
    factory.setConsumerFactory(consumers);
    // Each listener its own static member name: two listeners share the group parley-delivery.
    factory.setContainerCustomizer(container -> container.getContainerProperties().getKafkaConsumerProperties()
        .putAll(GroupMembership.staticMember(instanceId, container.getListenerId())));
    // A listener continues the trace its record carries; what it sends then carries it on.
    factory.getContainerProperties().setObservationEnabled(true);
    // The queues' lanes follow the partitions: what a partition queued is sent by its owner only.
    factory.getContainerProperties().setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {
      @Override
      public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        queue.own(partitions);
      }

      @Override
      public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        queue.release(partitions);
      }

      @Override
      public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        queue.release(partitions);
      }
    });
    ExponentialBackOff backOff = new ExponentialBackOff(500, 2.0);
    backOff.setMaxAttempts(3);
    // A record that cannot be queued because the database is down waits for it (the offset stays
    // uncommitted, nothing is skipped); anything else is retried a little, then dead-lettered.
    ExponentialBackOff untilTheDatabaseIsBack = new ExponentialBackOff(500, 2.0);
    untilTheDatabaseIsBack.setMaxInterval(10_000);
    Serializer<SpecificRecord> encoder = serdes.<SpecificRecord>anyRecordSerde().serializer(); // one: a new one asks the registry again
    DefaultErrorHandler errors = new DefaultErrorHandler((record, exception) -> template.send(Topics.DEAD_LETTERS.name(),
        (String) record.key(), DeadLetters.of("delivery-service", record.topic(), record.partition(), record.offset(),
            record.key() == null ? null : record.key().toString().getBytes(), payloadOf(record, exception, encoder), exception)).join(),
        backOff);
    errors.setBackOffFunction((record, exception) -> DatabaseOutages.isOutage(exception) ? untilTheDatabaseIsBack : null);
    factory.setCommonErrorHandler(errors);
    return factory;
  }

  /** The record's bytes, so the dead letter can be re-driven: as read if it could not be decoded, else encoded again. */
  private static byte[] payloadOf(ConsumerRecord<?, ?> record, Exception exception, Serializer<SpecificRecord> encoder) {
    for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
      if (cause instanceof DeserializationException bad) {
        return bad.getData();
      }
    }
    return record.value() instanceof SpecificRecord value
        ? encoder.serialize(record.topic(), value) : null;
  }
}

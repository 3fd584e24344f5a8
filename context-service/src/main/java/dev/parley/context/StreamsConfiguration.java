package dev.parley.context;

import dev.parley.context.conversation.ConversationTopology;
import dev.parley.context.conversation.DebounceGaps;
import dev.parley.context.director.ConversationDirector;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.GroupMembership;
import dev.parley.schemas.SchemaRegistrySetup;
import dev.parley.schemas.Topics;
import dev.parley.schemas.metrics.AiMeters;
import java.time.Duration;
import java.util.Properties;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.springframework.kafka.config.KafkaStreamsInfrastructureCustomizer;
import org.springframework.kafka.config.StreamsBuilderFactoryBean;
import org.springframework.kafka.config.StreamsBuilderFactoryBeanConfigurer;
import org.springframework.kafka.streams.KafkaStreamsInteractiveQueryService;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Wires the topology into Spring's StreamsBuilderFactoryBean, which owns start and stop.
 * Streams settings (exactly-once v2, dead-lettering of undecodable records) are in application.yml.
 */
@Configuration
@EnableKafkaStreams
@EnableConfigurationProperties(ContextProperties.class)
class StreamsConfiguration {

  @Bean
  KafkaAdmin.NewTopics parleyTopics(@Value("${parley.kafka.replication-factor:1}") short replicationFactor) {
    return new KafkaAdmin.NewTopics(Topics.newTopics(replicationFactor));
  }

  /** Finds the instance that owns a key and reads the local stores (application.server in application.yml). */
  @Bean
  KafkaStreamsInteractiveQueryService interactiveQueries(StreamsBuilderFactoryBean factory) {
    return new KafkaStreamsInteractiveQueryService(factory);
  }

  @Bean
  AvroSerdes avroSerdes(@Value("${parley.registry.url}") String registryUrl) {
    // Before any record is written: the schemas this service writes, with their BACKWARD rule.
    new SchemaRegistrySetup(registryUrl).ensure(List.of(Topics.TURNS, Topics.ENRICHED_TURNS, Topics.CONVERSATIONS, Topics.CONVERSATION_ERRORS, Topics.COMMAND_OUTCOMES, Topics.CONVERSATION_EVENTS, Topics.CUSTOMER_PROFILES, Topics.REPLIES,
        Topics.REPLY_FAILURES, Topics.DEAD_LETTERS, Topics.ANALYTICS_MINUTE, Topics.ANALYTICS_HOUR, Topics.ANALYTICS_DAY, Topics.ALERTS));
    return new AvroSerdes(registryUrl);
  }

  @Bean
  ConversationTopology.Settings topologySettings(ContextProperties properties) {
    return new ConversationTopology.Settings(properties.dedupWindow(),
        new DebounceGaps(properties.debounce().defaults(), properties.debounce().tenants(), properties.debounce().maxWait()),
        properties.debounce().tick(), properties.keptMessages(), properties.historyMessages(),
        ConversationDirector.standardRules(), properties.replyDeadline());
  }

  /**
   * Defines the topology on the factory's builder when the factory creates it. On a clean stop the
   * instance leaves its group, so its partitions move at once instead of after the session timeout
   * (Kafka Streams stays in the group by default, which suits rolling restarts of many instances
   * but leaves conversations waiting when one instance is replaced).
   */
  @Bean
  StreamsBuilderFactoryBeanConfigurer conversationTopology(ConversationTopology.Settings settings, AvroSerdes serdes,
      @Value("${parley.instance-id:}") String instanceId, AiMeters meters) {
    return factory -> {
      factory.setLeaveGroupOnClose(true);
      // A crashed instance that comes back under its name resumes its tasks without a rebalance
      // (Streams names each stream thread's consumer after it).
      Properties config = new Properties();
      config.putAll(factory.getStreamsConfiguration());
      config.putAll(GroupMembership.staticMember(instanceId, null));
      factory.setStreamsConfiguration(config);
      factory.setStreamsUncaughtExceptionHandler(new StreamThreadReplacement(5, Duration.ofMinutes(5), java.time.Clock.systemUTC()));
      factory.setInfrastructureCustomizer(new KafkaStreamsInfrastructureCustomizer() {
        @Override
        public void configureBuilder(StreamsBuilder builder) {
          ConversationTopology.define(builder, settings, serdes, meters);
        }
      });
    };
  }
}

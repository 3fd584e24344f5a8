package dev.parley.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.schemas.Topic;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/**
 * Retention is the catalog's, on the broker: topics are created with it, and a topic whose
 * retention was changed by hand (or created by an older version with the broker's default week)
 * gets the catalog's back when a service starts.
 */
class RetentionIT {

  @Test
  void shouldKeepEachTopicAsLongAsTheCatalogSaysAndPutItBackWhenAServiceStarts() throws Exception {
    var stack = Pipeline.stack();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
      assertThat(retention(admin, Topics.REPLIES)).isEqualTo(Duration.ofDays(365));
      assertThat(retention(admin, Topics.REPLY_CHUNKS)).isEqualTo(Duration.ofDays(1));
      assertThat(retention(admin, Topics.DEAD_LETTERS)).isEqualTo(Duration.ofDays(30));

      ConfigResource alerts = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ALERTS.name());
      admin.incrementalAlterConfigs(Map.of(alerts, List.of(new AlterConfigOp(
          new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(7).toMillis())), AlterConfigOp.OpType.SET))))
          .all().get();
      assertThat(retention(admin, Topics.ALERTS)).isEqualTo(Duration.ofDays(7));

      stack.restart("delivery-service", Map.of());

      assertThat(retention(admin, Topics.ALERTS)).as("the catalog's 90 days, applied at start").isEqualTo(Duration.ofDays(90));
    }
  }

  private static Duration retention(Admin admin, Topic<?> topic) throws Exception {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
    String value = admin.describeConfigs(List.of(resource)).all().get().get(resource).get(TopicConfig.RETENTION_MS_CONFIG).value();
    return Duration.ofMillis(Long.parseLong(value));
  }
}

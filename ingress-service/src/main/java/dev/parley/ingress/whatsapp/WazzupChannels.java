package dev.parley.ingress.whatsapp;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The WhatsApp channels Parley receives from through Wazzup ({@code parley.channels.wazzup.<channel id>}):
 * which tenant each belongs to and the secret its webhook requests are signed with. Secrets come
 * from the environment, never from the repository.
 */
@ConfigurationProperties("parley.channels")
public class WazzupChannels {

  /** One channel. */
  public record Channel(String tenant, String secret) {
  }

  private Map<String, Channel> wazzup = Map.of();

  public Map<String, Channel> getWazzup() {
    return wazzup;
  }

  public void setWazzup(Map<String, Channel> wazzup) {
    this.wazzup = wazzup == null ? Map.of() : wazzup;
  }
}

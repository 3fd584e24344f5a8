package dev.parley.delivery;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * delivery-service: takes replies to the channels that need an outbound call and records every
 * outcome as a delivery receipt.
 */
@SpringBootApplication
public class DeliveryApplication {

  public static void main(String[] args) {
    SpringApplication.run(DeliveryApplication.class, args);
  }
}

package dev.parley.devstack;

import dev.parley.reference.Customer;
import dev.parley.reference.Deal;
import dev.parley.reference.KnowledgeDocument;
import dev.parley.reference.MlInsight;
import dev.parley.reference.Product;
import dev.parley.schemas.AvroSerdes;
import dev.parley.schemas.Keys;
import dev.parley.schemas.SchemaRegistrySetup;
import dev.parley.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The sample tenant, an auto dealership ("acme-motors"): customers, deals, ML insights, vehicles in
 * stock and knowledge documents, published to the reference topics as a CRM, a data science team
 * and a CMS would.
 */
public final class SampleData {

  public static final String TENANT = "acme-motors";

  static final List<String> KNOWLEDGE = List.of("sales-tax.md", "financing.md", "objection-handling.md", "test-drive.md");

  private SampleData() {
  }

  public static void load(String bootstrapServers, String registryUrl) {
    new SchemaRegistrySetup(registryUrl).ensure(List.of(Topics.CUSTOMERS, Topics.DEALS, Topics.ML_INSIGHTS, Topics.INVENTORY, Topics.KNOWLEDGE_DOCUMENTS));
    Map<String, Object> config = new HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all"));
    try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
        new AvroSerdes(registryUrl).<SpecificRecord>anyRecordSerde().serializer())) {
      Instant now = Instant.now();
      for (Customer customer : customers(now)) {
        producer.send(new ProducerRecord<>(Topics.CUSTOMERS.name(), Keys.of(TENANT, customer.getCustomerId()), customer));
      }
      for (Deal deal : deals(now)) {
        producer.send(new ProducerRecord<>(Topics.DEALS.name(), Keys.of(TENANT, deal.getDealId()), deal));
      }
      for (MlInsight insight : insights(now)) {
        producer.send(new ProducerRecord<>(Topics.ML_INSIGHTS.name(), Keys.of(TENANT, insight.getCustomerId()), insight));
      }
      for (Product product : inventory(now)) {
        producer.send(new ProducerRecord<>(Topics.INVENTORY.name(), Keys.of(TENANT, product.getProductId()), product));
      }
      for (String file : KNOWLEDGE) {
        KnowledgeDocument document = knowledge(file, now);
        producer.send(new ProducerRecord<>(Topics.KNOWLEDGE_DOCUMENTS.name(), Keys.of(TENANT, document.getDocumentId()), document));
      }
      producer.flush();
    }
  }

  static List<Customer> customers(Instant now) {
    return List.of(
        customer("c-1001", "Maria Lopez", "+15125550142", "first-time buyer", 712, "TX", now),
        customer("c-1002", "James Carter", "+15125550178", "repeat customer", 781, "TX", now),
        customer("c-1003", "Aisha Khan", "+14155550111", "fleet manager", 745, "CA", now),
        customer("c-1004", "Tom Becker", "+13055550199", "credit rebuilding", 618, "FL", now));
  }

  static List<Deal> deals(Instant now) {
    return List.of(
        deal("d-2001", "c-1001", "v-3001", "2024 Toyota RAV4 XLE", "negotiation", "32500.00", "3000.00", "8000.00", now),
        deal("d-2002", "c-1002", "v-3003", "2025 Ford F-150 XLT", "financing", "48900.00", "10000.00", null, now),
        deal("d-2003", "c-1004", "v-3004", "2022 Honda Civic LX (certified pre-owned)", "prospect", "21400.00", null, null, now));
  }

  /** What the dealership's (imaginary) ML models say about the sample customers. */
  static List<MlInsight> insights(Instant now) {
    return List.of(
        insight("c-1001", "value-seeking first-time buyer", 0.82, "Lead with the monthly payment and total cost, explain every fee.",
            "payment-first financing offer", 0.74, List.of("show 60 and 72 month options", "apply the trade-in before tax"), now),
        insight("c-1002", "loyal upgrader", 0.9, "Recognise the relationship; focus on what is new.",
            "loyalty upgrade", 0.81, List.of("offer loyalty rate", "schedule delivery"), now),
        insight("c-1003", "fleet buyer", 0.77, "Talk total cost of ownership across vehicles.",
            "volume pricing", 0.69, List.of("quote a fleet discount", "offer a maintenance plan"), now),
        insight("c-1004", "credit rebuilder", 0.71, "Be reassuring; focus on approval and affordable payments.",
            "certified pre-owned with larger down payment", 0.66, List.of("suggest a co-signer", "show certified pre-owned options"), now));
  }

  private static MlInsight insight(String customerId, String cluster, double clusterConfidence, String recommendation,
      String strategy, double strategyConfidence, List<String> actions, Instant now) {
    return MlInsight.newBuilder().setTenantId(TENANT).setCustomerId(customerId).setCluster(cluster)
        .setClusterConfidence(clusterConfidence).setClusterRecommendation(recommendation).setDealStrategy(strategy)
        .setStrategyConfidence(strategyConfidence).setStrategyActions(actions).setModelVersion("sample-2026.11")
        .setUpdatedAt(now).build();
  }

  static List<Product> inventory(Instant now) {
    return List.of(
        product("v-3001", "2024 Toyota RAV4 XLE", "SUV", "XLE", "32500.00", 3, "Main lot", now),
        product("v-3002", "2024 Toyota RAV4 Hybrid XSE", "SUV", "XSE", "38900.00", 1, "Main lot", now),
        product("v-3003", "2025 Ford F-150 XLT", "truck", "XLT", "48900.00", 2, "North lot", now),
        product("v-3004", "2022 Honda Civic LX (certified pre-owned)", "sedan", "LX", "21400.00", 1, "Pre-owned lot", now),
        product("v-3005", "2024 Honda CR-V EX", "SUV", "EX", "34200.00", 0, "Arriving next week", now),
        product("v-3006", "2023 Hyundai Tucson SE (certified pre-owned)", "SUV", "SE", "27500.00", 2, "Pre-owned lot", now),
        product("v-3007", "2025 Toyota RAV4 Limited", "SUV", "Limited", "36400.00", 2, "North lot", now));
  }

  /** Reads a knowledge document: a front matter block (id, title, category, tags, source), then the text. */
  static KnowledgeDocument knowledge(String file, Instant now) {
    String content;
    try (InputStream in = SampleData.class.getResourceAsStream("/sample/acme-motors/knowledge/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing sample document " + file);
      }
      content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String[] parts = content.split("(?m)^---\\s*$", 3);
    Map<String, String> front = new HashMap<>();
    for (String line : parts[1].strip().split("\n")) {
      int colon = line.indexOf(':');
      front.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
    }
    return KnowledgeDocument.newBuilder()
        .setTenantId(TENANT)
        .setDocumentId(front.get("id"))
        .setTitle(front.get("title"))
        .setCategory(front.get("category"))
        .setTags(Arrays.stream(front.getOrDefault("tags", "").split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList())
        .setSource(front.get("source"))
        .setText(parts[2].strip())
        .setUpdatedAt(now)
        .build();
  }

  /** Phone numbers are in the 555-01xx range, reserved for fiction. */
  private static Customer customer(String id, String name, String phone, String segment, int credit, String state, Instant now) {
    return Customer.newBuilder().setTenantId(TENANT).setCustomerId(id).setName(name).setPhone(phone).setSegment(segment)
        .setCreditScore(credit).setState(state).setUpdatedAt(now).build();
  }

  private static Deal deal(String id, String customerId, String productId, String vehicle, String stage, String price,
      String down, String tradeIn, Instant now) {
    return Deal.newBuilder().setTenantId(TENANT).setDealId(id).setCustomerId(customerId).setProductId(productId)
        .setVehicle(vehicle).setStage(stage).setPrice(new BigDecimal(price))
        .setDownPayment(down == null ? null : new BigDecimal(down))
        .setTradeInValue(tradeIn == null ? null : new BigDecimal(tradeIn))
        .setUpdatedAt(now).build();
  }

  private static Product product(String id, String name, String category, String trim, String price, int stock,
      String location, Instant now) {
    return Product.newBuilder().setTenantId(TENANT).setProductId(id).setName(name).setCategory(category)
        .setConfiguration(trim).setPrice(new BigDecimal(price)).setStock(stock).setLocation(location)
        .setUpdatedAt(now).build();
  }
}

package dev.parley.e2e;

import dev.parley.devstack.SampleData;
import dev.parley.e2e.FaultLoad.Accepted;
import dev.parley.events.AssistantReply;
import dev.parley.schemas.Topics;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One row of the fault table: what the pipeline made of the messages accepted around a fault,
 * checked per message id. Lost: an accepted message with no reply. Doubled: one with more than one
 * reply (replies told apart by their ids). Sends lost or doubled: replies sent on WhatsApp other than exactly once. Out of order:
 * a chat whose replies (on the topic, or as sent) do not follow its messages' order.
 *
 * <p>Back: from the fault until its end (a killed service restarted and healthy again; an outage
 * over). Recovery: from the fault until the first message accepted after it is answered on WhatsApp
 * (for an outage, the outage is part of it). Drain: from the fault's end (service healthy again,
 * dependency back) until every message accepted before then is answered on WhatsApp.
 */
record FaultOutcome(String fault, int accepted, int replied, int lost, int doubled, int sendsLost, int sendsDoubled,
    int outOfOrder, double backSeconds, double recoverySeconds, double drainSeconds) {

  private static final String SEND_PATH = "/v3/message";
  private static final Duration SETTLE = Duration.ofSeconds(5);

  boolean clean() {
    return accepted > 0 && lost == 0 && doubled == 0 && sendsLost == 0 && sendsDoubled == 0 && outOfOrder == 0;
  }

  static String header() {
    return "| fault | accepted | replied | lost | doubled | sends lost | sends doubled | out of order | back s | recovery s | drain s |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";
  }

  String row() {
    return String.format("| %s | %d | %d | %d | %d | %d | %d | %d | %.1f | %.1f | %.1f |", fault, accepted, replied, lost, doubled,
        sendsLost, sendsDoubled, outOfOrder, backSeconds, recoverySeconds, drainSeconds);
  }

  /**
   * Waits until every accepted message is answered and sent (or the time is up), then a little
   * longer for anything that would come twice, and counts.
   */
  static FaultOutcome measure(String fault, List<Accepted> accepted, long faultNanos, long endNanos, Duration timeout)
      throws InterruptedException {
    Set<String> ids = accepted.stream().map(Accepted::messageId).collect(Collectors.toSet());
    long deadline = System.nanoTime() + timeout.toNanos();
    Observed observed = Observed.read(ids);
    while (!observed.complete(ids) && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      observed = Observed.read(ids);
    }
    Thread.sleep(SETTLE.toMillis());
    observed = Observed.read(ids);
    return observed.outcome(fault, accepted, faultNanos, endNanos);
  }

  /** The replies to the load's messages, in topic order, and their sends to the WhatsApp provider. */
  private record Observed(List<AssistantReply> replies, Map<String, List<FakeProvider.Request>> sends) {

    /**
     * A reply is its id: a fallback and the model's late answer to the same turn share it, and the
     * late one counts for nothing (no channel sends it again), so only the first record of an id is kept.
     */
    static Observed read(Set<String> ids) {
      Set<String> seen = new HashSet<>();
      List<AssistantReply> replies = TopicReader.readAll(Topics.REPLIES, reply -> reply.getTenantId().equals(SampleData.TENANT)
          && reply.getMessageIds().stream().anyMatch(ids::contains)).stream().filter(reply -> seen.add(reply.getEventId())).toList();
      Set<String> replyIds = replies.stream().map(AssistantReply::getEventId).collect(Collectors.toSet());
      Map<String, List<FakeProvider.Request>> sends = Pipeline.provider().requests(SEND_PATH).stream()
          .filter(request -> request.status() == 200)
          .filter(request -> replyIds.contains(request.json().get("crmMessageId").asString()))
          .collect(Collectors.groupingBy(request -> request.json().get("crmMessageId").asString()));
      return new Observed(replies, sends);
    }

    boolean complete(Set<String> ids) {
      Set<String> answered = new HashSet<>();
      replies.forEach(reply -> answered.addAll(reply.getMessageIds()));
      return answered.containsAll(ids) && replies.stream().allMatch(reply -> sends.containsKey(reply.getEventId()));
    }

    FaultOutcome outcome(String fault, List<Accepted> accepted, long faultNanos, long endNanos) {
      Map<String, Integer> repliesPerMessage = new HashMap<>();
      Map<String, Integer> firstReply = new HashMap<>();
      for (int i = 0; i < replies.size(); i++) {
        for (String id : replies.get(i).getMessageIds()) {
          repliesPerMessage.merge(id, 1, Integer::sum);
          firstReply.putIfAbsent(id, i);
        }
      }
      int lost = 0;
      int doubled = 0;
      for (Accepted message : accepted) {
        int count = repliesPerMessage.getOrDefault(message.messageId(), 0);
        lost += count == 0 ? 1 : 0;
        doubled += count > 1 ? 1 : 0;
      }
      int sendsLost = (int) replies.stream().filter(reply -> !sends.containsKey(reply.getEventId())).count();
      int sendsDoubled = (int) sends.values().stream().filter(list -> list.size() > 1).count();

      int outOfOrder = 0;
      for (List<Accepted> chat : accepted.stream().collect(Collectors.groupingBy(Accepted::chat)).values()) {
        List<Accepted> inOrder = chat.stream().sorted(Comparator.comparingInt(Accepted::seq)).toList();
        int lastReply = -1;
        long lastSent = Long.MIN_VALUE;
        for (Accepted message : inOrder) {
          Integer reply = firstReply.get(message.messageId());
          if (reply == null) {
            continue; // counted as lost
          }
          long sent = sentNanos(replies.get(reply)).orElse(lastSent);
          if (reply < lastReply || sent < lastSent) {
            outOfOrder++;
            if (outOfOrder <= 3) { // what the reader needs to find the cause
              System.out.println("out of order in chat " + message.chat() + ": " + inOrder.stream().map(m -> {
                Integer index = firstReply.get(m.messageId());
                return m.messageId() + " -> " + (index == null ? "none" : "#" + index + " " + replies.get(index).getEventId()
                    + " " + replies.get(index).getStatus() + " sent " + sentNanos(replies.get(index)).orElse(0L) / 1_000_000 + " ms");
              }).toList());
            }
            break;
          }
          lastReply = reply;
          lastSent = sent;
        }
      }

      long firstAnsweredAfterFault = accepted.stream().filter(message -> message.acceptedNanos() > faultNanos)
          .map(message -> answeredNanos(message, firstReply)).filter(java.util.Objects::nonNull)
          .min(Long::compare).orElse(Long.MIN_VALUE);
      long lastAnsweredOfBacklog = accepted.stream().filter(message -> message.acceptedNanos() <= endNanos)
          .map(message -> answeredNanos(message, firstReply)).filter(java.util.Objects::nonNull)
          .max(Long::compare).orElse(endNanos);
      double recovery = firstAnsweredAfterFault == Long.MIN_VALUE ? Double.NaN : seconds(firstAnsweredAfterFault - faultNanos);
      double drain = Math.max(0, seconds(lastAnsweredOfBacklog - endNanos));
      int replied = (int) accepted.stream().filter(message -> repliesPerMessage.containsKey(message.messageId())).count();
      return new FaultOutcome(fault, accepted.size(), replied, lost, doubled, sendsLost, sendsDoubled, outOfOrder,
          seconds(endNanos - faultNanos), recovery, drain);
    }

    /** When the message's reply reached the provider (first successful send). */
    private Long answeredNanos(Accepted message, Map<String, Integer> firstReply) {
      Integer reply = firstReply.get(message.messageId());
      return reply == null ? null : sentNanos(replies.get(reply)).orElse(null);
    }

    private java.util.Optional<Long> sentNanos(AssistantReply reply) {
      return sends.getOrDefault(reply.getEventId(), List.of()).stream().map(FakeProvider.Request::receivedNanos).min(Long::compare);
    }

    private static double seconds(long nanos) {
      return nanos / 1e9;
    }
  }
}

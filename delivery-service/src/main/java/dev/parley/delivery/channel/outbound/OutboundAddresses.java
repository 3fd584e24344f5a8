package dev.parley.delivery.channel.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Where Parley may send a tenant's data: only to public internet addresses. A webhook URL is a
 * tenant's to choose, so without this anyone able to register one could make Parley call the
 * machines next to it (server-side request forgery): loopback, link-local (the cloud metadata
 * service at 169.254.169.254 among them), private and unique-local networks, carrier-grade NAT,
 * multicast and the unspecified address are refused, IPv4-mapped IPv6 forms included. An operator
 * may allow networks explicitly ({@code parley.outbound.allowed-networks}, for example
 * {@code 127.0.0.0/8} for receivers on the same machine in a local run).
 *
 * <p>Checked at registration (the URL's host as it resolves then, if it does) and again at every send, on the
 * addresses the connection is actually made to ({@link GuardedResolver}), so a name that later
 * resolves to an internal address (DNS rebinding) is still refused.
 */
public final class OutboundAddresses {

  /** An address or a URL Parley will not send to, and why. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  private record Network(byte[] prefix, int bits) {
    boolean contains(InetAddress address) {
      byte[] bytes = address.getAddress();
      if (bytes.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (bytes[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      return rest == 0 || ((bytes[full] ^ prefix[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
    }

    static Network parse(String cidr) {
      String[] parts = cidr.strip().split("/");
      try {
        byte[] address = InetAddress.getByName(parts[0]).getAddress();
        return new Network(address, parts.length > 1 ? Integer.parseInt(parts[1]) : address.length * 8);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not a network: " + cidr, e);
      }
    }
  }

  /** Ranges no tenant's data may be sent to, beyond what InetAddress itself classifies. */
  private static final List<Network> REFUSED = List.of(
      Network.parse("0.0.0.0/8"), Network.parse("100.64.0.0/10"), Network.parse("192.0.0.0/24"),
      Network.parse("198.18.0.0/15"), Network.parse("240.0.0.0/4"), Network.parse("255.255.255.255/32"),
      Network.parse("fc00::/7"), Network.parse("64:ff9b::/96"));

  private final List<Network> allowed;
  private final boolean allowHttp;

  /**
   * @param allowedNetworks networks allowed despite the rules (CIDR), usually none
   * @param allowHttp       plain http besides https (a local run's receivers)
   */
  public OutboundAddresses(List<String> allowedNetworks, boolean allowHttp) {
    this.allowed = allowedNetworks.stream().filter(cidr -> !cidr.isBlank()).map(Network::parse).toList();
    this.allowHttp = allowHttp;
  }

  /** A URL a tenant registers: https (or http where allowed), with a host that resolves only to allowed addresses. */
  public void checkUrl(String url) throws Refused {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new Refused("url is not a valid URL");
    }
    boolean secure = "https".equalsIgnoreCase(uri.getScheme());
    if (uri.getHost() == null || !(secure || allowHttp && "http".equalsIgnoreCase(uri.getScheme()))) {
      throw new Refused(allowHttp ? "url must be an http or https URL" : "url must be an https URL");
    }
    if (uri.getUserInfo() != null) {
      throw new Refused("url must not carry credentials");
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(uri.getHost());
    } catch (UnknownHostException e) {
      // Not resolvable now (not yet set up, or DNS is down): nothing to refuse yet. Every send
      // checks again where the name leads then.
      return;
    }
    for (InetAddress address : addresses) {
      check(address);
    }
  }

  /** An address a connection is about to be made to. */
  public void check(InetAddress address) throws Refused {
    if (!isAllowed(address)) {
      throw new Refused("webhooks may not be sent to " + address.getHostAddress()
          + ": loopback, link-local, private and metadata addresses are refused");
    }
  }

  public boolean isAllowed(InetAddress address) {
    InetAddress plain = unmapped(address);
    if (allowed.stream().anyMatch(network -> network.contains(plain))) {
      return true;
    }
    return !(plain.isLoopbackAddress() || plain.isAnyLocalAddress() || plain.isLinkLocalAddress() || plain.isSiteLocalAddress()
        || plain.isMulticastAddress() || REFUSED.stream().anyMatch(network -> network.contains(plain)));
  }

  /** ::ffff:10.0.0.1 is 10.0.0.1. */
  private static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] bytes = address.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= bytes[i] == 0;
      }
      if (mapped && bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF) {
        try {
          return Inet4Address.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
        } catch (UnknownHostException impossible) {
          return address;
        }
      }
    }
    return address;
  }
}

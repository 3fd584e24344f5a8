package dev.parley.delivery.channel.outbound;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.resolver.InetSocketAddressResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Name resolution for outbound webhook calls that hands the connection only addresses
 * {@link OutboundAddresses} allows: the check happens on the very addresses connected to, after
 * DNS, so a name re-pointed at an internal address after registration is still refused.
 */
public final class GuardedResolver extends AddressResolverGroup<InetSocketAddress> {

  private final OutboundAddresses addresses;

  public GuardedResolver(OutboundAddresses addresses) {
    this.addresses = addresses;
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    return new InetSocketAddressResolver(executor, new InetNameResolver(executor) {
      @Override
      protected void doResolve(String host, Promise<InetAddress> promise) {
        try {
          promise.setSuccess(allowed(host).get(0));
        } catch (UnknownHostException | OutboundAddresses.Refused e) {
          promise.setFailure(e);
        }
      }

      @Override
      protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
        try {
          promise.setSuccess(allowed(host));
        } catch (UnknownHostException | OutboundAddresses.Refused e) {
          promise.setFailure(e);
        }
      }
    });
  }

  private List<InetAddress> allowed(String host) throws UnknownHostException, OutboundAddresses.Refused {
    List<InetAddress> resolved = Arrays.asList(InetAddress.getAllByName(host));
    List<InetAddress> allowed = resolved.stream().filter(addresses::isAllowed).toList();
    if (allowed.isEmpty()) {
      addresses.check(resolved.get(0)); // throws, saying which address was refused
    }
    return allowed;
  }
}

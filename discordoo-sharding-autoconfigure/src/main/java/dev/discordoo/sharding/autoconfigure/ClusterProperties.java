package dev.discordoo.sharding.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Cluster mode: one bot across many hosts, coordinated by ZooKeeper. Setting
 * {@code zookeeper.connect-string} switches it on; without it the manager runs every shard on
 * this host, as always.
 *
 * @param zookeeper Where ZooKeeper is
 * @param name Name of the cluster: one bot, one name; defaults to spring.application.name,
 * else "discordoo"
 * @param nodeName Name of this node, unique in the cluster; defaults to the host name and
 * the process id
 * @param capacity How many shards this node may run
 * @param sessionTimeout ZooKeeper session timeout: how long after a node was last heard of it
 * counts as gone (and its identify buckets free); longer than identify.interval
 * @param settle How long the leader waits, before the first assignment, for no node to join
 * or leave, so that nodes started together share the shards from the start
 * @param moveMargin How long the leader waits after a node's session expired before it moves
 * that node's shards; defaults to the instances' heartbeat timeout plus shutdown.timeout, the
 * time a lost node's instances take to notice and close their sessions
 * @param handOverTimeout How long a node keeps running an instance that moved to another
 * node while the other node's successor is not READY
 * @param rebalanceBatch How many instances the leader moves at once from one running node to
 * another, as when a node joins; the next move starts once one of them is READY on its new
 * node. Instances of a lost or leaving node move all at once
 * @param secret Shared secret of the cluster's node links, the same on every node; without
 * it requests, broadcasts and sends reach only this node's instances. Never logged
 * @param link Node links: where this node listens for the other nodes
 */
@ConfigurationProperties("discordoo.sharding.cluster")
public record ClusterProperties(@DefaultValue ZooKeeper zookeeper, @Nullable String name, @Nullable String nodeName,
		@DefaultValue("1000") int capacity, @DefaultValue("10s") Duration sessionTimeout,
		@DefaultValue("5s") Duration settle, @Nullable Duration moveMargin,
		@DefaultValue("5m") Duration handOverTimeout, @DefaultValue("2") int rebalanceBatch, @Nullable String secret,
		@DefaultValue Link link) {

	/** The property holding the cluster secret, masked in the actuator's endpoints. */
	public static final String SECRET_PROPERTY = "discordoo.sharding.cluster.secret";

	/** The property naming the SSL bundle of the node links. */
	public static final String LINK_SSL_BUNDLE_PROPERTY = "discordoo.sharding.cluster.link.ssl.bundle";

	/** The property that switches cluster mode on. */
	public static final String CONNECT_STRING_PROPERTY = "discordoo.sharding.cluster.zookeeper.connect-string";

	/**
	 * Validate.
	 */
	public ClusterProperties {
		if (capacity < 1) {
			throw new InvalidConfigurationPropertyValueException("discordoo.sharding.cluster.capacity", capacity,
					"must be at least 1");
		}
		if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
			throw new InvalidConfigurationPropertyValueException("discordoo.sharding.cluster.session-timeout",
					sessionTimeout, "must be positive");
		}
		if (settle.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("discordoo.sharding.cluster.settle", settle,
					"must not be negative");
		}
		if (rebalanceBatch < 1) {
			throw new InvalidConfigurationPropertyValueException("discordoo.sharding.cluster.rebalance-batch",
					rebalanceBatch, "must be at least 1");
		}
		if (moveMargin != null && moveMargin.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("discordoo.sharding.cluster.move-margin", moveMargin,
					"must not be negative");
		}
	}

	/**
	 * ZooKeeper connection.
	 *
	 * @param connectString ZooKeeper servers, host:port[,host:port...]; setting it switches
	 * cluster mode on
	 * @param connectionTimeout How long one connection attempt to ZooKeeper may take
	 */
	public record ZooKeeper(@Nullable String connectString, @DefaultValue("5s") Duration connectionTimeout) {
	}

	/**
	 * Node links.
	 *
	 * @param host Address this node listens on for node links and publishes to the other
	 * nodes; defaults to the host name
	 * @param port Port of the node-link server; 0 for an ephemeral one
	 * @param ssl TLS of the node links
	 */
	public record Link(@Nullable String host, @DefaultValue("0") int port, @DefaultValue Ssl ssl) {
	}

	/**
	 * TLS of the node links, with mutual authentication: every node presents the bundle's key
	 * and accepts only peers its trust store accepts.
	 *
	 * @param bundle Name of the SSL bundle (spring.ssl.bundle.*) of the node links, with a key
	 * store and a trust store; setting it encrypts every node link, and authenticates nodes
	 * even without a cluster secret
	 * @param verifyHostname Whether a node checks that another node's certificate names the
	 * link host that node publishes
	 */
	public record Ssl(@Nullable String bundle, @DefaultValue("true") boolean verifyHostname) {
	}

}

package dev.discordoo.sharding.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.cluster.ClusterAssignment;
import dev.discordoo.sharding.cluster.ClusterNode;
import dev.discordoo.sharding.cluster.ClusterSettings;
import dev.discordoo.sharding.cluster.ClusterShardRunner;
import dev.discordoo.sharding.cluster.ClusterShardingManager;
import dev.discordoo.sharding.cluster.NodeLinks;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcTls;
import dev.discordoo.sharding.protocol.FrameCodec;
import dev.discordoo.sharding.cluster.GatewayFacts;
import dev.discordoo.sharding.cluster.ZooKeeperIdentifyGate;
import dev.discordoo.sharding.discord.GatewayBot;
import dev.discordoo.sharding.discord.GatewayBotSource;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.manager.ShardAllocation;

/**
 * Auto-configuration of cluster mode: when Curator is on the class path and
 * {@value ClusterProperties#CONNECT_STRING_PROPERTY} is set, the manager is a node of a
 * cluster. Its shard plan and identify pacing then come from the cluster (the leader's
 * assignment, buckets and budget shared through ZooKeeper) instead of this host's
 * configuration alone, and its {@link LocalShardingManager} starts idle and runs what the
 * cluster assigns it. Applies in the manager only: instances never see ZooKeeper.
 */
@AutoConfiguration(before = ShardingAutoConfiguration.class, after = SslAutoConfiguration.class)
@ConditionalOnClass(CuratorFramework.class)
@ConditionalOnBean(ShardingMarkerConfiguration.Marker.class)
@ConditionalOnProperty(ClusterProperties.CONNECT_STRING_PROPERTY)
@Conditional(ShardingRoleCondition.OnManager.class)
@EnableConfigurationProperties(ClusterProperties.class)
public final class ClusterAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ClusterAutoConfiguration.class);

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ClusterNode discordooShardingClusterNode(ClusterProperties cluster, ShardingProperties properties,
			GatewayBotSource discord, Environment environment, ObjectProvider<NodeLinks> links) {
		String connectString = cluster.zookeeper().connectString();
		if (connectString == null || connectString.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(ClusterProperties.CONNECT_STRING_PROPERTY, connectString,
					"must name the ZooKeeper servers, host:port[,host:port...]");
		}
		ShardingProperties.Identify identify = properties.identify();
		if (discord.available() && cluster.sessionTimeout().compareTo(identify.interval()) <= 0) {
			throw new InvalidConfigurationPropertyValueException("discordoo.sharding.cluster.session-timeout",
					cluster.sessionTimeout(), "must be longer than discordoo.sharding.identify.interval ("
							+ identify.interval() + "): a node that dies holding an identify bucket frees it with its session");
		}
		if (properties.mode() == ShardingProperties.Mode.WORKERS) {
			logger.warn("Cluster node in workers mode: if this JVM is ever frozen (a long pause, a suspended VM), its "
					+ "instances freeze with it and cannot close their sessions before the leader moves their shards; "
					+ "processes mode (the default) fences better");
		}
		CuratorFramework client = CuratorFrameworkFactory.builder()
			.connectString(connectString)
			.sessionTimeoutMs((int) cluster.sessionTimeout().toMillis())
			.connectionTimeoutMs((int) cluster.zookeeper().connectionTimeout().toMillis())
			.retryPolicy(new ExponentialBackoffRetry(250, 5, 2000))
			.build();
		ClusterNode node = new ClusterNode(client, connectString, settings(cluster, properties, environment),
				JsonMapper.builder().build(), () -> gatewayFacts(properties, discord));
		NodeLinks nodeLinks = links.getIfAvailable();
		if (nodeLinks != null) {
			int port = nodeLinks.start();
			node.publishLink(nodeLinks.host(), port, nodeLinks.linkId(), nodeLinks.overTls());
		}
		else {
			logger.info("Cluster node has neither " + ClusterProperties.SECRET_PROPERTY + " nor "
					+ ClusterProperties.LINK_SSL_BUNDLE_PROPERTY + ": no node links, so requests, broadcasts and sends "
					+ "reach only this node's instances");
		}
		try {
			node.join();
		}
		catch (RuntimeException ex) {
			node.close();
			throw ex;
		}
		return node;
	}

	static ClusterSettings settings(ClusterProperties cluster, ShardingProperties properties,
			Environment environment) {
		String name = (cluster.name() != null) ? cluster.name()
				: environment.getProperty("spring.application.name", "discordoo");
		String nodeName = (cluster.nodeName() != null) ? cluster.nodeName()
				: hostName() + "-" + ProcessHandle.current().pid();
		Duration heartbeatTimeout = properties.heartbeat().interval().multipliedBy(properties.heartbeat().tolerance());
		Duration moveMargin = (cluster.moveMargin() != null) ? cluster.moveMargin()
				: heartbeatTimeout.plus(properties.shutdown().timeout());
		try {
			return new ClusterSettings(name, nodeName, cluster.capacity(), properties.shardsPerInstance(),
					cluster.settle(), moveMargin, cluster.handOverTimeout(), cluster.rebalanceBatch());
		}
		catch (IllegalArgumentException ex) {
			boolean node = String.valueOf(ex.getMessage()).startsWith("node");
			throw new InvalidConfigurationPropertyValueException(
					node ? "discordoo.sharding.cluster.node-name" : "discordoo.sharding.cluster.name",
					node ? nodeName : name, ex.getMessage());
		}
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
		}
		catch (UnknownHostException ex) {
			return "node";
		}
	}

	/**
	 * What the leader publishes with the first assignment: Discord's recommendation and
	 * limits with a token (the cluster's only call to {@code GET /gateway/bot}), the
	 * configuration without.
	 */
	static GatewayFacts gatewayFacts(ShardingProperties properties, GatewayBotSource discord) {
		if (discord.available()) {
			GatewayBot bot = discord.fetch();
			int total = (properties.totalShards() != null) ? properties.totalShards()
					: properties.autoShards() ? bot.shards() : configuredTotal(properties);
			return new GatewayFacts(total, bot.url(), bot.sessionStartLimit().maxConcurrency(), bot.sessionStartLimit());
		}
		if (properties.autoShards() && properties.totalShards() == null) {
			throw new InvalidConfigurationPropertyValueException(ShardingProperties.TOKEN_PROPERTY, null,
					"must be set when discordoo.sharding.shards is auto: the shard total comes from Discord's "
							+ "GET /gateway/bot. Set the token, or set discordoo.sharding.total-shards");
		}
		int total = (properties.totalShards() != null) ? properties.totalShards() : configuredTotal(properties);
		return new GatewayFacts(total, properties.discord().gatewayUrl(), properties.identify().maxConcurrency(), null);
	}

	private static int configuredTotal(ShardingProperties properties) {
		return ShardAllocation.of(properties.shards(), properties.totalShards(), properties.shardsPerInstance())
			.totalShards();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	@Conditional(OnNodeLinks.class)
	NodeLinks discordooShardingNodeLinks(ClusterProperties cluster, ShardingProperties properties,
			Environment environment, IpcResources resources, FrameCodec codec, ObjectProvider<SslBundles> sslBundles) {
		String secret = cluster.secret();
		if (secret != null && secret.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(ClusterProperties.SECRET_PROPERTY, "(masked)",
					"must not be blank");
		}
		IpcTls tls = linkTls(cluster.link().ssl(), sslBundles.getIfAvailable());
		String host = (cluster.link().host() != null) ? cluster.link().host() : hostName();
		if (tls == null && !isLoopback(host)) {
			logger.warn("Node links on " + host + " are not encrypted: anyone on the network can read what nodes send "
					+ "each other; set " + ClusterProperties.LINK_SSL_BUNDLE_PROPERTY + " to an SSL bundle");
		}
		return new NodeLinks(settings(cluster, properties, environment).name(), secret, tls, host,
				cluster.link().port(), ShardingAutoConfiguration.ipcSettings(properties), resources, codec);
	}

	static @Nullable IpcTls linkTls(ClusterProperties.Ssl ssl, @Nullable SslBundles bundles) {
		String name = ssl.bundle();
		if (name == null || name.isBlank()) {
			return null;
		}
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException(ClusterProperties.LINK_SSL_BUNDLE_PROPERTY, name,
					"there are no SSL bundles in this application (spring.ssl.bundle.*)");
		}
		SslBundle bundle;
		try {
			bundle = bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(ClusterProperties.LINK_SSL_BUNDLE_PROPERTY, name,
					ex.getMessage());
		}
		// each node is a TLS server and client: it presents its key, and accepts only peers its
		// trust store accepts (with no trust store, the JDK's public CAs would admit anyone)
		if (bundle.getStores().getKeyStore() == null) {
			throw new InvalidConfigurationPropertyValueException(ClusterProperties.LINK_SSL_BUNDLE_PROPERTY, name,
					"the bundle has no key store: every node presents its certificate to the others");
		}
		if (bundle.getStores().getTrustStore() == null) {
			throw new InvalidConfigurationPropertyValueException(ClusterProperties.LINK_SSL_BUNDLE_PROPERTY, name,
					"the bundle has no trust store: it must hold the certificate (or its CA) of every node");
		}
		SslOptions options = bundle.getOptions();
		return new IpcTls(bundle.createSslContext(), list(options.getEnabledProtocols()), list(options.getCiphers()),
				ssl.verifyHostname());
	}

	private static List<String> list(String @Nullable [] values) {
		return (values != null) ? List.of(values) : List.of();
	}

	private static boolean isLoopback(String host) {
		try {
			return InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	/** Node links open with a cluster secret, an SSL bundle for them, or both. */
	static final class OnNodeLinks extends AnyNestedCondition {

		OnNodeLinks() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(ClusterProperties.SECRET_PROPERTY)
		static final class Secret {

		}

		@ConditionalOnProperty(ClusterProperties.LINK_SSL_BUNDLE_PROPERTY)
		static final class SslBundleName {

		}

	}

	@Bean
	@Primary
	@ConditionalOnMissingBean(ClusterShardingManager.class)
	ClusterShardingManager discordooShardingClusterManager(ClusterNode node, LocalShardingManager manager,
			ObjectProvider<NodeLinks> links, ShardingProperties properties, FrameCodec codec) {
		NodeLinks nodeLinks = links.getIfAvailable();
		if (nodeLinks != null) {
			nodeLinks.serve(manager);
		}
		// an overlapped restart: the successor spawns and becomes READY, then the predecessor stops
		Duration restartTimeout = properties.spawn().timeout()
			.plus(properties.spawn().readyTimeout())
			.plus(properties.shutdown().timeout());
		return new ClusterShardingManager(node, manager, nodeLinks, ShardingAutoConfiguration.ipcSettings(properties),
				restartTimeout, codec);
	}

	@Bean
	@ConditionalOnMissingBean
	ShardAllocation discordooShardingAllocation(ClusterNode node) {
		ClusterAssignment assignment = node.awaitAssignment();
		return assignment.allocation();
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	IdentifyBroker discordooShardingIdentifyBroker(ClusterNode node, ShardingProperties properties,
			GatewayBotSource discord, ShardAllocation allocation) {
		ClusterAssignment assignment = node.awaitAssignment();
		GatewayInfo gateway = new GatewayInfo(assignment.gatewayUrl(), allocation.totalShards(),
				assignment.maxConcurrency());
		Duration interval = ShardingAutoConfiguration.ManagerConfiguration.interval(properties, discord.available());
		// the daily budget is the cluster's, kept by the gate: no node counts one of its own
		IdentifyBroker broker = new IdentifyBroker(gateway, interval, properties.identify().permitTimeout(), null,
				allocation::instanceOf);
		ZooKeeperIdentifyGate gate = new ZooKeeperIdentifyGate(node, assignment.maxConcurrency(), interval,
				properties.identify().reserve(), JsonMapper.builder().build());
		broker.setGate(gate);
		logger.info("Identifies of cluster node " + node.nodeName() + " are paced with the whole cluster's ("
				+ assignment.maxConcurrency() + " buckets, " + interval.toMillis() + " ms apart)");
		return broker;
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterShardRunner discordooShardingClusterRunner(ClusterNode node, LocalShardingManager manager,
			ClusterProperties cluster) {
		manager.setStartIdle(true);
		return new ClusterShardRunner(node, manager, cluster.handOverTimeout());
	}

}

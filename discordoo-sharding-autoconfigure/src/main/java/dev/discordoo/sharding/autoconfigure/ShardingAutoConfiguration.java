package dev.discordoo.sharding.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import dev.discordoo.sharding.GatewayInfo;
import dev.discordoo.sharding.ShardClient;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.cds.ClassDataCache;
import dev.discordoo.sharding.cds.SpringAot;
import dev.discordoo.sharding.discord.DiscordRestClient;
import dev.discordoo.sharding.discord.GatewayBot;
import dev.discordoo.sharding.discord.GatewayBotSource;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.identify.IdentifyBudget;
import dev.discordoo.sharding.instance.InstanceIdentity;
import dev.discordoo.sharding.instance.InstanceMessaging;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.IpcObserver;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.ipc.IpcSettings;
import dev.discordoo.sharding.listener.AnnotatedShardMessageHandler;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.manager.ChildJvmCommand;
import dev.discordoo.sharding.manager.InstanceLauncher;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.manager.ManagerSettings;
import dev.discordoo.sharding.manager.ProcessInstanceLauncher;
import dev.discordoo.sharding.manager.RestartPolicy;
import dev.discordoo.sharding.manager.ShardAllocation;
import dev.discordoo.sharding.manager.ShardIds;
import dev.discordoo.sharding.manager.ShardingReadinessPublisher;
import dev.discordoo.sharding.manager.WorkerInstanceLauncher;
import dev.discordoo.sharding.protocol.FrameCodec;

/**
 * Auto-configuration of discordoo-sharding, switched on by
 * {@link dev.discordoo.sharding.EnableSharding @EnableSharding}. Configures a
 * {@link LocalShardingManager} in the manager, an {@link InstanceRuntime} in an instance.
 */
@AutoConfiguration
@ConditionalOnBean(ShardingMarkerConfiguration.Marker.class)
@Import(ShardingPropertiesConfiguration.class)
public final class ShardingAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ShardingAutoConfiguration.class);

	/** Discord's least time between two identifies of one bucket. */
	private static final Duration DISCORD_IDENTIFY_INTERVAL = Duration.ofSeconds(5);

	/** Discord's interval with the default margin of {@code identify.interval}. */
	private static final Duration SAFE_IDENTIFY_INTERVAL = Duration.ofMillis(5500);

	@Bean
	@ConditionalOnMissingBean
	FrameCodec discordooShardingFrameCodec() {
		FrameCodec codec = new FrameCodec();
		// now, during the refresh, rather than by the first handshake on the way to READY; a
		// class data archive's training run, which ends with the refresh, then also holds the
		// classes the handshake's frames need
		codec.warmUp();
		return codec;
	}

	@Bean
	@ConditionalOnMissingBean(ShardMessageHandler.class)
	AnnotatedShardMessageHandler discordooShardingMessageHandler(FrameCodec codec) {
		return new AnnotatedShardMessageHandler(codec.mapper());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	IpcResources discordooShardingIpcResources(ConfigurableApplicationContext context,
			ObjectProvider<IpcObserver> observers) {
		String name = ShardingRoleCondition.isInstance(context.getEnvironment()) ? "instance" : "manager";
		return new IpcResources("discordoo-" + name, context.getBeanFactory(), context,
				IpcObserver.of(observers.orderedStream().toList()));
	}

	static IpcSettings ipcSettings(ShardingProperties properties) {
		return IpcSettings.defaults()
			.withMaxFrameSize((int) properties.ipc().maxFrameSize().toBytes())
			.withHeartbeat(properties.heartbeat().interval(), properties.heartbeat().tolerance())
			.withHandshake(properties.spawn().helloInterval(), properties.spawn().timeout(),
					IpcSettings.defaults().handshakeTimeout())
			.withRequestTimeout(properties.ipc().requestTimeout());
	}

	/**
	 * Masks the bot token in {@code /actuator/env} and {@code /actuator/configprops} even
	 * where values are shown ({@code show-values=always}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.SanitizingFunction")
	static class TokenSanitizingConfiguration {

		@Bean
		SanitizingFunction discordooShardingTokenSanitizer() {
			return SanitizingFunction.sanitizeValue().ifKeyEquals(ShardingProperties.TOKEN_PROPERTY, "DISCORD_TOKEN",
					ClusterProperties.SECRET_PROPERTY, "DISCORDOO_SHARDING_CLUSTER_SECRET");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(ShardingRoleCondition.OnInstance.class)
	static class InstanceConfiguration {

		@Bean
		InstanceIdentity discordooShardingInstanceIdentity(Environment environment) {
			return InstanceIdentity.from(environment);
		}

		@Bean
		InstanceRuntime discordooShardingInstanceRuntime(InstanceIdentity identity, ShardingProperties properties,
				IpcResources resources, FrameCodec codec, ObjectProvider<ShardClient> client,
				ShardMessageHandler messages, ConfigurableApplicationContext context) {
			InstanceRuntime.PortAnnouncer announcer = identity.worker() ? (port, id) -> {
			} : InstanceRuntime.PortAnnouncer.STDOUT;
			return new InstanceRuntime(identity, properties.ipc().host(), properties.ipc().port(),
					ipcSettings(properties), resources, codec, client.getIfUnique(), messages, announcer,
					identity.worker() ? (code) -> context.close() : (code) -> System.exit(SpringApplication.exit(context,
							() -> code)));
		}

		@Bean
		@ConditionalOnMissingBean
		InstanceMessaging discordooShardingInstance(InstanceRuntime runtime, FrameCodec codec,
				ShardingProperties properties) {
			return new InstanceMessaging(runtime, codec.mapper(), properties.ipc().requestTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(ShardingRoleCondition.OnManager.class)
	static class ManagerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RestartPolicy discordooShardingRestartPolicy(ShardingProperties properties) {
			return new RestartPolicy(properties.restart().settings());
		}

		@Bean
		@ConditionalOnMissingBean
		InstanceLauncher discordooShardingInstanceLauncher(ShardingProperties properties,
				ConfigurableListableBeanFactory beanFactory) {
			ShardingApplicationSources sources = beanFactory.containsBean(ShardingApplicationSources.BEAN_NAME)
					? beanFactory.getBean(ShardingApplicationSources.BEAN_NAME, ShardingApplicationSources.class)
					: new ShardingApplicationSources(null, java.util.List.of());
			if (properties.mode() == ShardingProperties.Mode.WORKERS) {
				if (sources.sources().isEmpty()) {
					throw new IllegalStateException(
							"discordoo.sharding.mode=workers needs the application's source classes: "
									+ "start the application with SpringApplication");
				}
				return new WorkerInstanceLauncher(sources.sources().toArray(Class<?>[]::new),
						Map.copyOf(instanceProperties(properties)));
			}
			ShardingProperties.Processes processes = properties.processes();
			ChildJvmCommand command = childCommand(processes, sources);
			ClassDataCache classData = null;
			if (processes.classDataSharing() == ShardingProperties.ClassDataSharing.AUTO && command.getJar() != null) {
				SpringAot springAot = (processes.springAot() == ShardingProperties.SpringAotMode.AUTO)
						? new SpringAot(ProcessInstanceLauncher.childEnvironment(processes.env(),
								instanceProperties(properties), System.getenv("SPRING_APPLICATION_JSON")))
						: null;
				classData = new ClassDataCache(processes.classDataCache(), command.getJavaBinary(),
						Path.of(command.getJar()), command.getJvmArgs(), springAot);
			}
			return new ProcessInstanceLauncher(command, processes.env(), instanceProperties(properties),
					properties.ipc().host(), classData);
		}

		private static ChildJvmCommand childCommand(ShardingProperties.Processes processes,
				ShardingApplicationSources sources) {
			if (processes.jar() != null) {
				// checked when bound: neither a main class nor a class path goes with it
				return ChildJvmCommand.forJar(processes.jar()).withJvmArgs(processes.jvmArgs());
			}
			String mainClass = (processes.mainClass() != null) ? processes.mainClass()
					: (sources.mainClass() != null) ? sources.mainClass().getName() : null;
			if (mainClass == null) {
				throw new IllegalStateException("Cannot tell the application's main class: set "
						+ "discordoo.sharding.processes.main-class");
			}
			ChildJvmCommand command = ChildJvmCommand.forCurrentJvm(mainClass);
			if (processes.mainClass() != null) {
				// an explicit main class wins even over `java -jar`: the child then runs with -cp
				command = command.withMainClass(processes.mainClass());
			}
			// instance properties go into the children's environment: a command line is readable
			// by every user of the machine
			command = command.withJvmArgs(processes.jvmArgs());
			if (processes.classpath() != null) {
				command = command.withClassPath(processes.classpath());
			}
			return command;
		}

		/**
		 * The properties every instance gets on top of its own configuration: the instance
		 * properties, and the Discord token and API URL, which the instances' Discord client
		 * needs however the manager was given them (a command-line argument is not passed on).
		 */
		static Map<String, String> instanceProperties(ShardingProperties properties) {
			Map<String, String> given = new LinkedHashMap<>(properties.instance().properties());
			ShardingProperties.Discord discord = properties.discord();
			if (discord.hasToken()) {
				given.putIfAbsent(ShardingProperties.TOKEN_PROPERTY, discord.token());
				given.putIfAbsent("discordoo.sharding.discord.api-url", discord.apiUrl().toString());
			}
			return given;
		}

		@Bean
		@ConditionalOnMissingBean
		ShardingReadinessPublisher discordooShardingReadinessPublisher(ShardingManager manager,
				ApplicationEventPublisher publisher) {
			return new ShardingReadinessPublisher(manager, publisher);
		}

		@Bean
		@ConditionalOnMissingBean
		GatewayBotSource discordooShardingGatewayBotSource(ShardingProperties properties) {
			ShardingProperties.Discord discord = properties.discord();
			return new GatewayBotSource(discord.hasToken()
					? new DiscordRestClient(discord.apiUrl(), discord.token(), discord.retryFor()) : null);
		}

		@Bean
		@ConditionalOnMissingBean
		ShardAllocation discordooShardingAllocation(ShardingProperties properties, GatewayBotSource discord) {
			if (!properties.autoShards()) {
				return ShardAllocation.of(properties.shards(), properties.totalShards(), properties.shardsPerInstance());
			}
			Integer total = properties.totalShards();
			if (total == null) {
				GatewayBot bot = discord.atStart();
				if (bot == null) {
					throw new InvalidConfigurationPropertyValueException(ShardingProperties.TOKEN_PROPERTY, null,
							"must be set when discordoo.sharding.shards is auto: the shard total comes from Discord's "
									+ "GET /gateway/bot. Set the token, or set discordoo.sharding.total-shards");
				}
				total = bot.shards();
			}
			return ShardAllocation.of(ShardIds.parse("0-" + (total - 1)), total, properties.shardsPerInstance());
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		IdentifyBroker discordooShardingIdentifyBroker(ShardingProperties properties, GatewayBotSource discord,
				ShardAllocation allocation) {
			ShardingProperties.Identify identify = properties.identify();
			GatewayBot bot = discord.atStart();
			GatewayInfo gateway;
			IdentifyBudget budget;
			if (bot != null) {
				gateway = new GatewayInfo(bot.url(), allocation.totalShards(), bot.sessionStartLimit().maxConcurrency());
				budget = new IdentifyBudget(bot.sessionStartLimit(), identify.reserve(),
						() -> discord.fetch().sessionStartLimit());
			}
			else {
				logger.info("No Discord token (" + ShardingProperties.TOKEN_PROPERTY + "): identifies are paced by "
						+ "discordoo.sharding.identify.* (max-concurrency " + identify.maxConcurrency() + ", interval "
						+ identify.interval().toMillis() + " ms) and the daily budget is not tracked");
				gateway = new GatewayInfo(properties.discord().gatewayUrl(), allocation.totalShards(),
						identify.maxConcurrency());
				budget = null;
			}
			return new IdentifyBroker(gateway, interval(properties, bot != null), identify.permitTimeout(), budget,
					allocation::instanceOf);
		}

		/**
		 * The identify interval: as configured, but never below Discord's 5 s when the manager
		 * talks to Discord itself. A short interval suits the simulation and tests against a
		 * fake; against discord.com it would only earn INVALID_SESSIONs, each charged to the
		 * daily budget.
		 */
		static Duration interval(ShardingProperties properties, boolean withToken) {
			Duration configured = properties.identify().interval();
			String host = properties.discord().apiUrl().getHost();
			boolean realDiscord = host != null && (host.equals("discord.com") || host.endsWith(".discord.com"));
			if (withToken && realDiscord && configured.compareTo(DISCORD_IDENTIFY_INTERVAL) < 0) {
				logger.warn("discordoo.sharding.identify.interval=" + configured.toMillis() + "ms is shorter than "
						+ "Discord's 5 s per identify bucket: using " + SAFE_IDENTIFY_INTERVAL.toMillis() + " ms");
				return SAFE_IDENTIFY_INTERVAL;
			}
			return configured;
		}

		@Bean
		LocalShardingManager discordooShardingManager(ShardingProperties properties, ShardAllocation allocation,
				InstanceLauncher launcher, RestartPolicy restartPolicy, IpcResources resources, FrameCodec codec,
				ShardMessageHandler messages, IdentifyBroker identify, ApplicationEventPublisher publisher) {
			ManagerSettings settings = new ManagerSettings(properties.spawn().delay(),
					properties.spawn().concurrency(), properties.shutdown().timeout(), properties.spawn().readyTimeout(),
					properties.restart().overlap());
			LocalShardingManager manager = new LocalShardingManager(allocation, launcher, restartPolicy,
					ipcSettings(properties), settings, resources, codec, messages, identify, publisher);
			manager.setAutoStartup(properties.autoStartup());
			manager.setSpares(properties.spawn().spares());
			return manager;
		}

	}

}

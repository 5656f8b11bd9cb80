package dev.discordoo.sharding.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

import dev.discordoo.sharding.EnableSharding;
import dev.discordoo.sharding.InstanceState;
import dev.discordoo.sharding.ShardingInstance;
import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.manager.ProcessInstanceLauncher;
import dev.discordoo.sharding.manager.RestartPolicy;
import dev.discordoo.sharding.manager.ShardAllocation;
import dev.discordoo.sharding.manager.ShardingReadinessPublisher;
import dev.discordoo.sharding.protocol.InstanceEnvironment;
import dev.discordoo.sharding.snowflake.DiscordooSnowflake;
import dev.discordoo.sharding.ShardEventContext;
import dev.discordoo.sharding.ShardEventListener;
import dev.discordoo.sharding.listener.AnnotatedShardMessageHandler;
import dev.discordoo.sharding.listener.ShardMessageHandler;
import dev.discordoo.sharding.manager.InstanceLauncher;
import dev.discordoo.sharding.protocol.FrameCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ShardingAutoConfiguration}.
 */
class ShardingAutoConfigurationTests {

	private static final ShardEventContext FROM_INSTANCE = new ShardEventContext(0, "2002", List.of(0));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
		.withUserConfiguration(ShardedApplication.class)
		// these tests look at the beans: the manager need not spawn anything
		.withPropertyValues("discordoo.sharding.auto-startup=false");

	@Test
	void messageHandlerCallsAnnotatedMethodsWithTheFrameCodecsMapper() {
		JsonMapper snakeCase = FrameCodec.defaultMapper()
			.rebuild()
			.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
			.build();
		this.runner.withBean(FrameCodec.class, () -> new FrameCodec(snakeCase))
			.withBean(GuildCountListener.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ShardMessageHandler.class)
					.getBean(ShardMessageHandler.class)
					.isInstanceOf(AnnotatedShardMessageHandler.class);
				context.getBean(ShardMessageHandler.class)
					.onDispatch("GUILD_COUNT", snakeCase.readTree("{\"guild_count\":12}"), FROM_INSTANCE);
				assertThat(context.getBean(GuildCountListener.class).received).containsExactly(new GuildCount(12));
			});
	}

	@Test
	void messageHandlerBacksOffForTheApplicationsOwn() {
		this.runner.withBean("ownHandler", ShardMessageHandler.class, () -> ShardMessageHandler.NONE)
			.run((context) -> {
				assertThat(context).hasSingleBean(ShardMessageHandler.class)
					.doesNotHaveBean(AnnotatedShardMessageHandler.class);
				assertThat(context.getBean(ShardMessageHandler.class)).isSameAs(ShardMessageHandler.NONE);
			});
	}

	@Test
	void withoutEnableShardingNothingIsConfigured() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ShardingManager.class)
				.doesNotHaveBean(InstanceRuntime.class)
				.doesNotHaveBean(FrameCodec.class)
				.doesNotHaveBean(IpcResources.class));
	}

	@Test
	void startedPlainlyTheApplicationIsTheManager() {
		this.runner.withPropertyValues("discordoo.sharding.shards=4",
				"discordoo.sharding.shards-per-instance=2")
			.run((context) -> {
				assertThat(context).hasSingleBean(LocalShardingManager.class)
					.hasSingleBean(RestartPolicy.class)
					.hasSingleBean(ShardingReadinessPublisher.class)
					.doesNotHaveBean(InstanceRuntime.class)
					.doesNotHaveBean(ShardingInstance.class);
				LocalShardingManager manager = context.getBean(LocalShardingManager.class);
				assertThat(manager.isRunning()).isFalse();
				assertThat(manager.instances()).hasSize(2)
					.allMatch((info) -> info.state() == InstanceState.STOPPED);
				assertThat(manager.instance(1).shards()).containsExactly(2, 3);
			});
	}

	@Test
	void startedWithTheInstanceEnvironmentTheApplicationIsAnInstance() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues(instanceEnvironment())
			.run((context) -> {
				assertThat(context).hasSingleBean(InstanceRuntime.class)
					.hasSingleBean(ShardingInstance.class)
					.doesNotHaveBean(ShardingManager.class)
					.doesNotHaveBean(InstanceLauncher.class);
				InstanceRuntime runtime = context.getBean(InstanceRuntime.class);
				assertThat(runtime.identity().index()).isEqualTo(3);
				assertThat(runtime.identity().worker()).isTrue();
				assertThat(runtime.port()).isPositive();
			});
	}

	@Test
	void anInstanceWhoseManagerNeverSaysHelloEndsItselfAfterTheSpawnTimeout() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues(instanceEnvironment())
			.withPropertyValues("discordoo.sharding.spawn.timeout=500ms")
			.run((context) -> {
				assertThat(context.getBean(InstanceRuntime.class).port()).isPositive();
				await().atMost(Duration.ofSeconds(10)).until(() -> !context.isActive());
			});
	}

	@Test
	void anInstanceEnvironmentWithoutItsTokenFailsNamingTheVariable() {
		String[] environment = instanceEnvironment();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues(environment[0], environment[1], environment[2], environment[4])
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining(InstanceEnvironment.TOKEN));
	}

	@Test
	void theApplicationsOwnBeansReplaceTheDefaults() {
		RestartPolicy policy = new RestartPolicy(RestartPolicy.Settings.defaults());
		FrameCodec codec = new FrameCodec();
		this.runner.withBean(RestartPolicy.class, () -> policy)
			.withBean(FrameCodec.class, () -> codec)
			.run((context) -> {
				assertThat(context.getBean(RestartPolicy.class)).isSameAs(policy);
				assertThat(context.getBean(FrameCodec.class)).isSameAs(codec);
				assertThat(context.getBean(InstanceLauncher.class)).isSameAs(context.getBean("refusingLauncher"));
			});
	}

	@Test
	void processesModeLaunchesTheConfiguredMainClass() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues("discordoo.sharding.auto-startup=false",
					"discordoo.sharding.processes.main-class=com.example.Bot",
					"discordoo.sharding.processes.jvm-args=-Xmx64m")
			.run((context) -> assertThat(context.getBean(InstanceLauncher.class))
				.isInstanceOf(ProcessInstanceLauncher.class)
				.asString()
				.contains("com.example.Bot")
				.contains("-Xmx64m"));
	}

	@Test
	void childrenOfAJarUseClassDataSharingUnlessItIsOff(@TempDir Path directory) throws Exception {
		Path jar = Files.writeString(directory.resolve("bot.jar"), "a jar");
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues("discordoo.sharding.auto-startup=false", "discordoo.sharding.processes.jar=" + jar,
					"discordoo.sharding.processes.class-data-cache-directory=" + directory.resolve("cache"));
		runner.run((context) -> {
			ProcessInstanceLauncher launcher = context.getBean(ProcessInstanceLauncher.class);
			assertThat(launcher).asString().contains("-jar " + jar).contains("-XX:+UseSerialGC");
			assertThat(launcher.getClassDataCache()).isNotNull()
				.asString()
				.contains(directory.resolve("cache").toString())
				.contains("with Spring AOT");
		});
		runner.withPropertyValues("discordoo.sharding.processes.spring-aot=off")
			.run((context) -> assertThat(context.getBean(ProcessInstanceLauncher.class).getClassDataCache()).isNotNull()
				.asString()
				.doesNotContain("Spring AOT"));
		runner.withPropertyValues("discordoo.sharding.processes.class-data-sharing=off")
			.run((context) -> assertThat(context.getBean(ProcessInstanceLauncher.class).getClassDataCache()).isNull());
		// started from a class path, not a jar: nothing to share
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues("discordoo.sharding.auto-startup=false",
					"discordoo.sharding.processes.main-class=com.example.Bot")
			.run((context) -> assertThat(context.getBean(ProcessInstanceLauncher.class).getClassDataCache()).isNull());
	}

	@Test
	void emptyJvmArgsLeaveChildrenWithTheJvmsOwnDefaults() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues("discordoo.sharding.auto-startup=false",
					"discordoo.sharding.processes.main-class=com.example.Bot", "discordoo.sharding.processes.jvm-args=")
			.run((context) -> {
				ShardingProperties.Processes processes = context.getBean(ShardingProperties.class).processes();
				assertThat(processes.jvmArgs()).isEmpty();
				assertThat(context.getBean(ProcessInstanceLauncher.class)).asString().doesNotContain("-XX:");
			});
	}

	@Test
	void aJarWithAMainClassFailsNamingTheProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues("discordoo.sharding.auto-startup=false", "discordoo.sharding.processes.jar=bot.jar",
					"discordoo.sharding.processes.main-class=com.example.Bot")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("discordoo.sharding.processes.jar"));
	}

	@Test
	void processesModeWithoutAKnownMainClassFailsNamingTheProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ShardingAutoConfiguration.class))
			.withUserConfiguration(PlainShardedApplication.class)
			.withPropertyValues("discordoo.sharding.auto-startup=false")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("discordoo.sharding.processes.main-class"));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "discordoo.sharding.heartbeat.interval=-1s|discordoo.sharding.heartbeat.interval",
			"discordoo.sharding.heartbeat.tolerance=0|discordoo.sharding.heartbeat.tolerance",
			"discordoo.sharding.spawn.timeout=0s|discordoo.sharding.spawn.timeout",
			"discordoo.sharding.spawn.concurrency=0|discordoo.sharding.spawn.concurrency",
			"discordoo.sharding.ipc.max-frame-size=1B|discordoo.sharding.ipc.max-frame-size",
			"discordoo.sharding.ipc.port=70000|discordoo.sharding.ipc.port",
			"discordoo.sharding.mode=clusters|discordoo.sharding.mode",
			"discordoo.sharding.shards=0-9|discordoo.sharding.shards",
			"discordoo.sharding.shards-per-instance=0|discordoo.sharding.shards-per-instance",
			"discordoo.sharding.restart.max-restarts=0|discordoo.sharding.restart.max-restarts",
			"discordoo.sharding.restart.max-restarts=-1|discordoo.sharding.restart.max-restarts",
			"discordoo.sharding.restart.initial-backoff=0s|discordoo.sharding.restart.initial-backoff",
			"discordoo.sharding.restart.max-backoff=500ms|discordoo.sharding.restart.max-backoff",
			"discordoo.sharding.restart.multiplier=0.5|discordoo.sharding.restart.multiplier",
			"discordoo.sharding.restart.jitter=-1s|discordoo.sharding.restart.jitter",
			"discordoo.sharding.restart.window=0s|discordoo.sharding.restart.window",
			"discordoo.sharding.spawn.ready-timeout=0s|discordoo.sharding.spawn.ready-timeout",
			"discordoo.sharding.shards=0-3,x|discordoo.sharding.shards",
			"discordoo.sharding.shards=automatic|discordoo.sharding.shards",
			"discordoo.sharding.instance.web-application-type=tomcat|discordoo.sharding.instance.web-application-type" })
	void aBadValueFailsStartupNamingTheProperty(String setting, String property) {
		this.runner.withPropertyValues("discordoo.sharding.total-shards=8", setting)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(failureMessages(context.getStartupFailure())).contains(property);
			});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|', value = { "discordoo.sharding.restart.initial-backoff=0s",
			"discordoo.sharding.restart.window=-1m", "discordoo.sharding.spawn.ready-timeout=-1s",
			"discordoo.sharding.shards=1,1", "discordoo.sharding.ipc.port=-1",
			"discordoo.sharding.shards-per-instance=0", "discordoo.sharding.total-shards=0" })
	void aBadValueFailsBindingWithBootsInvalidPropertyException(String setting) {
		this.runner.withPropertyValues(setting)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageStartingWith("Property " + setting.substring(0, setting.indexOf('='))));
	}

	@Test
	void shardsBindEveryAcceptedForm() {
		this.runner.withPropertyValues("discordoo.sharding.shards= 0-3, 8 ")
			.run((context) -> assertThat(context.getBean(ShardingProperties.class).shards().ids())
				.containsExactly(0, 1, 2, 3, 8));
		this.runner.withPropertyValues("discordoo.sharding.shards=AUTO", "discordoo.sharding.total-shards=3")
			.run((context) -> {
				assertThat(context.getBean(ShardingProperties.class).autoShards()).isTrue();
				assertThat(context.getBean(ShardAllocation.class).shards()).containsExactly(0, 1, 2);
			});
		this.runner.run((context) -> assertThat(context.getBean(ShardingProperties.class).shards().ids())
			.containsExactly(0));
		// a YAML file gives a plain count as a number, not as text
		this.runner.withInitializer((context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("yaml", Map.of("discordoo.sharding.shards", 4))))
			.run((context) -> assertThat(context.getBean(ShardingProperties.class).shards().ids())
				.containsExactly(0, 1, 2, 3));
	}

	@Test
	void defaultsOfTheNewerProperties() {
		this.runner.run((context) -> {
			ShardingProperties properties = context.getBean(ShardingProperties.class);
			assertThat(properties.spawn().readyTimeout()).isEqualTo(Duration.ofMinutes(10));
			assertThat(properties.instance().webApplicationType()).isEqualTo(WebApplicationType.NONE);
			assertThat(properties.restart().settings()).isEqualTo(RestartPolicy.Settings.defaults());
		});
		this.runner.withPropertyValues("discordoo.sharding.instance.web-application-type=reactive")
			.run((context) -> assertThat(context.getBean(ShardingProperties.class).instance().webApplicationType())
				.isEqualTo(WebApplicationType.REACTIVE));
	}

	private static String failureMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
			if (cause instanceof org.springframework.boot.context.properties.bind.BindException bind) {
				messages.append(bind.getName()).append('\n');
			}
		}
		return messages.toString();
	}

	/** The environment a manager starts a worker instance with (index 3). */
	static String[] instanceEnvironment() {
		String managerId = DiscordooSnowflake.generate(DiscordooSnowflake.MANAGER_SHARD_ID, 1);
		return new String[] { InstanceEnvironment.MANAGER_ID + "=" + managerId,
				InstanceEnvironment.INSTANCE_ID + "=" + DiscordooSnowflake.generate(3, 1),
				InstanceEnvironment.INSTANCE_INDEX + "=3", InstanceEnvironment.TOKEN + "=0123456789abcdef0123456789abcdef",
				// a worker closes its context instead of exiting the JVM the tests run in
				InstanceEnvironment.WORKER + "=true" };
	}

	@Configuration(proxyBeanMethods = false)
	@EnableSharding
	static class PlainShardedApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableSharding
	static class ShardedApplication {

		@Bean
		InstanceLauncher refusingLauncher() {
			return (spawn) -> {
				throw new IllegalStateException("this test runs no instances");
			};
		}

	}

	record GuildCount(int guildCount) {
	}

	static final class GuildCountListener {

		final Queue<GuildCount> received = new ConcurrentLinkedQueue<>();

		@ShardEventListener("GUILD_COUNT")
		void onCount(GuildCount count) {
			this.received.add(count);
		}

	}

}

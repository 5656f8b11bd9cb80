package dev.discordoo.sharding.autoconfigure;

import java.util.EnumSet;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.sharding.DefaultShardManagerBuilder;
import net.dv8tion.jda.api.sharding.ShardManager;
import net.dv8tion.jda.api.utils.cache.CacheFlag;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

import dev.discordoo.sharding.ShardClient;
import dev.discordoo.sharding.ShardingInstance;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.jda.JdaShardClient;
import dev.discordoo.sharding.jda.JdaShardMetrics;
import dev.discordoo.sharding.jda.JdaShardsHealthIndicator;
import dev.discordoo.sharding.jda.ShardManagerBuilderCustomizer;
import dev.discordoo.sharding.jda.ShardManagerTargetSource;

/**
 * Auto-configuration of JDA on the sharding instances: when JDA is on the class path and a
 * Discord token is set, each instance runs a {@link JdaShardClient} (a JDA
 * {@link ShardManager} over the shards the manager assigned it) unless the application
 * declares a {@link ShardClient} of its own. The {@link ShardManager} is a bean too, usable
 * once the instance has started its shards; Spring beans that are JDA
 * {@link EventListener}s are registered on it. Switched off with
 * {@code discordoo.sharding.jda.enabled=false}.
 */
@AutoConfiguration(after = ShardingAutoConfiguration.class)
@ConditionalOnClass(DefaultShardManagerBuilder.class)
@ConditionalOnBean(InstanceRuntime.class)
@ConditionalOnBooleanProperty(name = "discordoo.sharding.jda.enabled", matchIfMissing = true)
@Conditional(JdaAutoConfiguration.OnDiscordToken.class)
@EnableConfigurationProperties(JdaProperties.class)
public final class JdaAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ShardClient.class)
	JdaShardClient discordooShardingJdaClient(ObjectProvider<ShardingInstance> sharding,
			ShardingProperties properties, JdaProperties jda, ObjectProvider<EventListener> listeners,
			ObjectProvider<ShardManagerBuilderCustomizer> customizers) {
		ShardingProperties.Discord discord = properties.discord();
		Set<GatewayIntent> intents = intents(jda);
		return new JdaShardClient(sharding, () -> {
			DefaultShardManagerBuilder builder = DefaultShardManagerBuilder.create(discord.token(), intents)
				.setRestConfig(new RestConfig().setBaseUrl(discord.apiUrl() + "/"))
				.setCompression(jda.compression())
				.setMemberCachePolicy(jda.memberCachePolicy().policy())
				.setChunkingFilter(jda.memberCachePolicy().chunking())
				.setStatus(jda.status())
				.setActivity(jda.activity().toActivity());
			if (!jda.enabledCache().isEmpty()) {
				builder.enableCache(jda.enabledCache());
			}
			Set<CacheFlag> disabled = EnumSet.noneOf(CacheFlag.class);
			disabled.addAll(jda.disabledCache());
			// what JDA would switch off itself, with a warning per flag at every start
			for (CacheFlag flag : CacheFlag.values()) {
				GatewayIntent required = flag.getRequiredIntent();
				if (required != null && !intents.contains(required) && !jda.enabledCache().contains(flag)) {
					disabled.add(flag);
				}
			}
			if (!disabled.isEmpty()) {
				builder.disableCache(disabled);
			}
			builder.addEventListeners(listeners.orderedStream().toArray());
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			return builder;
		}, properties.shutdown().timeout());
	}

	@Bean(destroyMethod = "")
	@ConditionalOnBean(JdaShardClient.class)
	@ConditionalOnMissingBean(ShardManager.class)
	ShardManager discordooShardingJdaShardManager(JdaShardClient client) {
		ProxyFactory factory = new ProxyFactory();
		factory.addInterface(ShardManager.class);
		factory.setTargetSource(new ShardManagerTargetSource(client));
		return (ShardManager) factory.getProxy(JdaAutoConfiguration.class.getClassLoader());
	}

	private static Set<GatewayIntent> intents(JdaProperties jda) {
		if (!jda.intents().isEmpty()) {
			return jda.intents();
		}
		Set<GatewayIntent> intents = EnumSet.noneOf(GatewayIntent.class);
		intents.addAll(GatewayIntent.getIntents(GatewayIntent.DEFAULT));
		return intents;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.boot.health.contributor.HealthIndicator",
			"org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator" })
	@ConditionalOnBean(JdaShardClient.class)
	@ConditionalOnEnabledHealthIndicator("jda")
	static class JdaHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "jdaHealthIndicator")
		JdaShardsHealthIndicator jdaHealthIndicator(JdaShardClient client) {
			return new JdaShardsHealthIndicator(client);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(JdaShardClient.class)
	static class JdaMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		JdaShardMetrics discordooShardingJdaMetrics(JdaShardClient client) {
			return new JdaShardMetrics(client);
		}

	}

	/** Matches when {@code discordoo.sharding.discord.token} has text. */
	static final class OnDiscordToken extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String token = context.getEnvironment().getProperty(ShardingProperties.TOKEN_PROPERTY);
			return StringUtils.hasText(token) ? ConditionOutcome.match(ShardingProperties.TOKEN_PROPERTY + " is set")
					: ConditionOutcome.noMatch(ShardingProperties.TOKEN_PROPERTY + " is not set");
		}

	}

}

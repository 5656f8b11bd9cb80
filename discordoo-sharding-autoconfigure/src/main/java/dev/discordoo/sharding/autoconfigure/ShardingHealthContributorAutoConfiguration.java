package dev.discordoo.sharding.autoconfigure;

import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.cluster.ClusterStatusSource;
import dev.discordoo.sharding.health.ClusterHealthIndicator;
import dev.discordoo.sharding.health.ShardingHealthIndicator;
import dev.discordoo.sharding.health.ShardingInstanceHealthIndicator;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.instance.InstanceRuntime;

/**
 * Auto-configuration of the {@code sharding} health contributor: a
 * {@link ShardingHealthIndicator} in the manager, a {@link ShardingInstanceHealthIndicator}
 * in an instance; in a cluster node also the {@code cluster} contributor, a
 * {@link ClusterHealthIndicator}. Switched off with
 * {@code management.health.sharding.enabled=false}.
 */
@AutoConfiguration(after = { ShardingAutoConfiguration.class, ClusterAutoConfiguration.class },
		afterName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass(name = { "org.springframework.boot.health.contributor.HealthIndicator",
		"org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator" })
@ConditionalOnEnabledHealthIndicator("sharding")
public final class ShardingHealthContributorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ShardingManager.class)
	@Import(ShardingPropertiesConfiguration.class)
	static class ManagerHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "shardingHealthIndicator", "shardingHealthContributor" })
		ShardingHealthIndicator shardingHealthContributor(ShardingManager manager, ShardingProperties properties,
				ObjectProvider<IdentifyBroker> identify) {
			Duration maxHeartbeatAge = properties.heartbeat()
				.interval()
				.multipliedBy(properties.heartbeat().tolerance());
			return new ShardingHealthIndicator(manager, maxHeartbeatAge, identify.getIfAvailable());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ClusterStatusSource.class)
	static class ClusterHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "clusterHealthIndicator", "clusterHealthContributor" })
		ClusterHealthIndicator clusterHealthContributor(ClusterStatusSource cluster) {
			return new ClusterHealthIndicator(cluster);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(InstanceRuntime.class)
	static class InstanceHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = { "shardingHealthIndicator", "shardingHealthContributor" })
		ShardingInstanceHealthIndicator shardingHealthContributor(InstanceRuntime runtime) {
			return new ShardingInstanceHealthIndicator(runtime);
		}

	}

}

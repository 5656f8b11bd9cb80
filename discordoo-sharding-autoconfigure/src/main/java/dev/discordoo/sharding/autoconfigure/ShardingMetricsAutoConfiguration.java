package dev.discordoo.sharding.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.manager.LocalShardingManager;
import dev.discordoo.sharding.cluster.ClusterStatusSource;
import dev.discordoo.sharding.identify.IdentifyBroker;
import dev.discordoo.sharding.instance.InstanceRuntime;
import dev.discordoo.sharding.ipc.IpcResources;
import dev.discordoo.sharding.metrics.ShardingClusterMetrics;
import dev.discordoo.sharding.metrics.ShardingIdentifyMetrics;
import dev.discordoo.sharding.metrics.ShardingInstanceMetrics;
import dev.discordoo.sharding.metrics.ShardingIpcMetrics;
import dev.discordoo.sharding.metrics.ShardingManagerMetrics;

/**
 * Auto-configuration of the sharding meters, when Micrometer is present and a
 * {@link MeterRegistry} is configured: the IPC meters in either role, the manager's meters
 * beside a {@link ShardingManager}, the identify broker's beside an {@link IdentifyBroker},
 * the instance's beside an {@link InstanceRuntime}.
 */
@AutoConfiguration(after = { ShardingAutoConfiguration.class, ClusterAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
@ConditionalOnBean(type = "io.micrometer.core.instrument.MeterRegistry")
public final class ShardingMetricsAutoConfiguration {

	@Bean
	@ConditionalOnBean(IpcResources.class)
	@ConditionalOnMissingBean
	ShardingIpcMetrics discordooShardingIpcMetrics(MeterRegistry registry) {
		return new ShardingIpcMetrics(registry);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ShardingManager.class)
	static class ManagerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ShardingManagerMetrics discordooShardingManagerMetrics(ShardingManager manager,
				ObjectProvider<LocalShardingManager> local) {
			// a cluster node's instance events come from its local manager, the cluster manager's delegate
			LocalShardingManager localManager = local.getIfAvailable();
			return new ShardingManagerMetrics((localManager != null) ? localManager : manager);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(IdentifyBroker.class)
	static class IdentifyMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ShardingIdentifyMetrics discordooShardingIdentifyMetrics(IdentifyBroker broker) {
			return new ShardingIdentifyMetrics(broker);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(ClusterStatusSource.class)
	static class ClusterMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ShardingClusterMetrics discordooShardingClusterMetrics(ClusterStatusSource cluster) {
			return new ShardingClusterMetrics(cluster);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(InstanceRuntime.class)
	static class InstanceMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ShardingInstanceMetrics discordooShardingInstanceMetrics(InstanceRuntime runtime) {
			return new ShardingInstanceMetrics(runtime);
		}

	}

}

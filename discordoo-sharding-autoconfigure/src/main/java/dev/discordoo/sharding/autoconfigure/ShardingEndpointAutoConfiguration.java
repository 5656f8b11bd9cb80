package dev.discordoo.sharding.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.discordoo.sharding.ShardingManager;
import dev.discordoo.sharding.cluster.ClusterStatusSource;
import dev.discordoo.sharding.endpoint.ShardingEndpoint;
import dev.discordoo.sharding.identify.IdentifyBroker;

/**
 * Auto-configuration of the {@link ShardingEndpoint} of a sharding manager, when the
 * actuator is present and the endpoint is available (its access is not {@code none} and it
 * is exposed, for example with {@code management.endpoints.web.exposure.include=sharding}).
 */
@AutoConfiguration(after = { ShardingAutoConfiguration.class, ClusterAutoConfiguration.class },
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration")
@ConditionalOnClass(name = { "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
		"org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint" })
@ConditionalOnAvailableEndpoint(ShardingEndpoint.class)
public final class ShardingEndpointAutoConfiguration {

	@Bean
	@ConditionalOnBean(ShardingManager.class)
	@ConditionalOnMissingBean
	ShardingEndpoint shardingEndpoint(ShardingManager manager, ObjectProvider<IdentifyBroker> identify,
			ObjectProvider<ClusterStatusSource> cluster) {
		ShardingEndpoint endpoint = new ShardingEndpoint(manager, identify.getIfAvailable());
		cluster.ifAvailable(endpoint::setCluster);
		return endpoint;
	}


}

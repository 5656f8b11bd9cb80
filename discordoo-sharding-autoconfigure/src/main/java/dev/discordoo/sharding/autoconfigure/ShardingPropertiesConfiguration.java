package dev.discordoo.sharding.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Binds {@link ShardingProperties} with the converters it needs, for every configuration
 * that uses them: the shard ids cannot be bound without {@link ShardIdsConverter}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ShardingProperties.class)
class ShardingPropertiesConfiguration {

	@Bean
	@ConfigurationPropertiesBinding
	static ShardIdsConverter discordooShardingShardIdsConverter() {
		return new ShardIdsConverter();
	}

}

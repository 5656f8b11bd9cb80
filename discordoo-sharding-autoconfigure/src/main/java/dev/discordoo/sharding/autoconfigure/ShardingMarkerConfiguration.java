package dev.discordoo.sharding.autoconfigure;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Imported by {@link dev.discordoo.sharding.EnableSharding}: its marker bean switches the
 * sharding auto-configuration on.
 */
@Configuration(proxyBeanMethods = false)
public class ShardingMarkerConfiguration {

	@Bean
	Marker discordooShardingMarker() {
		return new Marker();
	}

	/**
	 * The marker bean.
	 */
	public static final class Marker {

		Marker() {
		}

	}

}

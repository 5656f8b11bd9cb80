package dev.discordoo.sharding.autoconfigure;

import org.springframework.core.convert.converter.Converter;

import dev.discordoo.sharding.manager.ShardIds;

/**
 * Binds {@code discordoo.sharding.shards}: a count, a list of shard ids and ranges, or
 * {@code auto}. A malformed value fails binding with an
 * {@link org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException}
 * naming the property.
 */
class ShardIdsConverter implements Converter<Object, ShardIds> {

	@Override
	public ShardIds convert(Object source) {
		// text from a properties file or the command line, a number from YAML ("shards: 8")
		return ShardIds.parse(source.toString());
	}

}

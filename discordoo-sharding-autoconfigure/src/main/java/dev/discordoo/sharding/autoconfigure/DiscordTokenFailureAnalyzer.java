package dev.discordoo.sharding.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports an invalid bot token without its value. Spring Boot's own analyzer of
 * {@link InvalidConfigurationPropertyValueException} prints the value of the property from
 * every property source that sets it: for the token that is the secret itself, printed to the
 * console and the logs by the very failure that says it was refused. This one goes first and
 * names where the token came from, never what it is.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
public class DiscordTokenFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationPropertyValueException> {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure,
			InvalidConfigurationPropertyValueException cause) {
		if (!ShardingProperties.TOKEN_PROPERTY.equals(cause.getName())) {
			return null;
		}
		String reason = cause.getReason();
		return new FailureAnalysis("Invalid value for configuration property '" + cause.getName()
				+ "' (the value is a secret and not shown)." + ((reason != null) ? " " + reason : ""),
				"Set " + cause.getName() + " (or the DISCORD_TOKEN it reads in the sample) to the bot token from "
						+ "Discord's developer portal; a token that was reset must be replaced everywhere it is set.",
				cause);
	}

}

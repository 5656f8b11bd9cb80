package dev.discordoo.sample;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The condition of {@link ConditionalOnDiscordToken}: whether
 * {@code discordoo.sharding.discord.token} has text (an empty {@code ${DISCORD_TOKEN:}} is no
 * token).
 */
class OnDiscordTokenCondition extends SpringBootCondition {

	private static final String TOKEN = "discordoo.sharding.discord.token";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		boolean wanted = (boolean) metadata.getAnnotationAttributes(ConditionalOnDiscordToken.class.getName())
			.get("value");
		boolean present = StringUtils.hasText(context.getEnvironment().getProperty(TOKEN));
		String message = TOKEN + (present ? " is set" : " is not set");
		return (present == wanted) ? ConditionOutcome.match(message) : ConditionOutcome.noMatch(message);
	}

}

package dev.discordoo.sample;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import dev.discordoo.sample.ConditionalOnShardingRole.Role;
import dev.discordoo.sharding.protocol.InstanceEnvironment;

/**
 * The condition of {@link ConditionalOnShardingRole}: an application whose environment has
 * {@link InstanceEnvironment#INSTANCE_ID} is a sharding instance (a child process gets it as
 * an environment variable, an in-JVM worker as a property of its own context), any other is
 * the manager. This is the same test the starter uses to pick its own beans, so the sample's
 * beans always land on the side the starter's do.
 */
class OnShardingRoleCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Role wanted = (Role) metadata.getAnnotationAttributes(ConditionalOnShardingRole.class.getName())
			.get("value");
		boolean instance = context.getEnvironment().containsProperty(InstanceEnvironment.INSTANCE_ID);
		Role actual = instance ? Role.INSTANCE : Role.MANAGER;
		String message = "sharding role is " + actual + " (" + InstanceEnvironment.INSTANCE_ID
				+ (instance ? " is set)" : " is not set)");
		return (actual == wanted) ? ConditionOutcome.match(message) : ConditionOutcome.noMatch(message);
	}

}

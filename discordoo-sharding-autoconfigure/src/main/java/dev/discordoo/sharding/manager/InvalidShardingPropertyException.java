package dev.discordoo.sharding.manager;

/**
 * Thrown when a {@code discordoo.sharding.*} property has a value the sharding manager cannot
 * work with. The message names the property, the value and the reason, for example
 * {@code Invalid discordoo.sharding.shards '0,1,1': shard id 1 is listed twice}, so that a
 * failed startup points straight at the line of configuration to fix.
 */
public final class InvalidShardingPropertyException extends IllegalArgumentException {

	private final String property;

	private final String value;

	private final String reason;

	/**
	 * Create a new exception.
	 * @param property the full property name, such as {@code discordoo.sharding.shards}
	 * @param value the rejected value, as the user wrote it where known
	 * @param reason why the value is rejected
	 */
	public InvalidShardingPropertyException(String property, Object value, String reason) {
		super("Invalid " + property + " '" + value + "': " + reason);
		this.property = property;
		this.value = String.valueOf(value);
		this.reason = reason;
	}

	/**
	 * Return the full name of the rejected property.
	 * @return the property name, such as {@code discordoo.sharding.total-shards}
	 */
	public String property() {
		return this.property;
	}

	/**
	 * Return the rejected value.
	 * @return the value as text
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Return why the value is rejected.
	 * @return the reason, without the property name or the value
	 */
	public String reason() {
		return this.reason;
	}

}

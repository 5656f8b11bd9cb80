package dev.discordoo.sharding;

/**
 * Why one target of a request did not answer with a result.
 *
 * @param name the kind of failure, such as the exception's simple class name
 * @param message what failed
 * @param code a machine-readable code: {@code NOT_CONNECTED}, {@code TIMEOUT},
 * {@code HANDLER_FAILED}, {@code NO_HANDLER}, {@code LINK_LOST}, {@code INVALID_PAYLOAD} or one
 * a handler chose
 */
public record RequestError(String name, String message, String code) {

}

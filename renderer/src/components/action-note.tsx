import type { ActionMessage } from '../lib/use-action';

/**
 * An action's message: a status when it worked, an alert (read out at once) when not.
 * Screens differ only in the element, extra classes and the test id.
 */
export function ActionNote({
  message,
  testId,
  as: Tag = 'span',
  className,
}: {
  message: ActionMessage | null;
  testId?: string;
  as?: 'span' | 'p' | 'div';
  className?: string;
}) {
  if (!message) return null;
  return (
    <Tag
      className={`${message.ok ? 'ok-text' : 'error'}${className ? ` ${className}` : ''}`}
      role={message.ok ? 'status' : 'alert'}
      data-testid={testId}
    >
      {message.text}
    </Tag>
  );
}

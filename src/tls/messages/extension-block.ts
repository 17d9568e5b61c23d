import { hex16 } from '../registry/index.js';
import type { ByteReader } from './byte-reader.js';
import type { MessageDamage } from './types.js';

/** Reads one extension's data into the decoded message. `data` covers exactly the extension's bytes. */
export type ExtensionReader<Message> = (data: ByteReader, message: Message) => void;

/**
 * Walks an extensions block (RFC 8446 §4.2: `Extension extensions<0..2^16-1>`, each `type:u16 | len:u16 | data`),
 * records each type in order and hands known ones to their reader. Damage is noted on the message, never thrown.
 */
export function readExtensionBlock<Message extends MessageDamage & { extensions: number[] }>(
  reader: ByteReader,
  message: Message,
  readers: ReadonlyMap<number, ExtensionReader<Message>>,
  messageName: string,
): void {
  if (reader.remaining < 2) {
    message.damage ??= `${messageName} has ${reader.remaining} stray byte after its fixed fields`;
    return;
  }
  const block = reader.vector(2);
  if (block.overrun) {
    message.truncated = true;
    message.damage ??= `${messageName} extensions block claims more bytes than the message holds`;
  } else if (!reader.atEnd) {
    message.damage ??= `${messageName} has ${reader.remaining} bytes after its extensions block`;
  }
  while (block.remaining >= 4) {
    const type = block.u16();
    const data = block.vector(2);
    message.extensions.push(type);
    if (data.overrun) {
      message.truncated = true;
      message.damage ??= `${messageName} extension ${hex16(type)} is cut off`;
      return;
    }
    const read = readers.get(type);
    if (read === undefined) continue;
    read(data, message);
    if (data.overrun) message.damage ??= `${messageName} extension ${hex16(type)} is malformed`;
  }
  if (!block.atEnd) {
    message.truncated = true;
    message.damage ??= `${messageName} extensions block ends inside an extension header`;
  }
}

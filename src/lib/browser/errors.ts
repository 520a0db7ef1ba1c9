/** @file Errors the page shows to the user as they are, with a code the UI can act on. */

export type MediaErrorCode = 'empty' | 'unreadable' | 'no-audio';

/** The media file could not be turned into audio; the message is written for a person. */
export class MediaError extends Error {
	constructor(
		readonly code: MediaErrorCode,
		message: string
	) {
		super(message);
		this.name = 'MediaError';
	}
}

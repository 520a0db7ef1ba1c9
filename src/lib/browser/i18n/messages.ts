/**
 * @file Every string the page shows, in English and Simplified Chinese. English defines the
 * keys; the Chinese table must have each of them (the type checker enforces it).
 */

/** Why a job or a recording failed, as a code the page turns into words in the UI language. */
export type FailureCode =
	| 'empty'
	| 'unreadable'
	| 'no-audio'
	| 'image'
	| 'too-short'
	| 'decoder-load'
	| 'mux'
	| 'model-unavailable'
	| 'model-offline'
	| 'model-load'
	| 'out-of-memory'
	| 'decode'
	| 'transcribe'
	| 'worker-lost'
	| 'storage-full'
	| 'history-save'
	| 'model-not-stored'
	| 'mic-denied'
	| 'mic-missing'
	| 'mic-busy'
	| 'mic-unsupported'
	| 'server'
	| 'no-route'
	| 'mic-other';

const en = {
	tagline: 'Transcripts and subtitles from audio and video, computed on your own device. Nothing is uploaded.',
	checkingDevice: 'Checking what this browser can run…',
	runsOn: 'Runs on',
	deviceReason: {
		'webgpu-f16': 'a WebGPU adapter with 16-bit float shaders',
		webgpu: 'a WebGPU adapter without 16-bit float shaders',
		'no-webgpu': 'this browser has no WebGPU',
		'no-adapter': 'WebGPU is present but offered no GPU adapter'
	},
	singleThread: {
		'not-isolated': 'the page is not cross-origin isolated, so WASM runs on one thread',
		'no-shared-memory': 'this browser gives WASM no shared memory, so it runs on one thread'
	},
	dropLead: 'Drop audio or video files here',
	dropHint: 'or click to choose — mp3, wav, flac, ogg, m4a, mp4, webm, mov, mkv… Several run one after another.',
	dropLabel: 'Drop audio or video files here, or press to choose them',
	batch: {
		title: (done: number, total: number) => `Files: ${done} of ${total} done`,
		status: { queued: 'Waiting', running: 'Running', done: 'Done', failed: 'Failed', cancelled: 'Cancelled' },
		show: 'Show',
		remove: (name: string) => `Take ${name} off the queue`,
		format: 'Format',
		downloadAll: (count: number) => `Download all (${count}) as .zip`,
		clearFinished: 'Clear finished'
	},
	recordStart: '● Record from microphone',
	recordStop: '■ Stop and transcribe',
	micLevel: 'Microphone level',
	live: {
		toggle: 'Live captions',
		loading: (id: string) => `Loading ${id} for live captions…`,
		listening: 'Listening…',
		behind: (seconds: string) => `about ${seconds} s behind the speech`,
		tooSlow: (id: string) =>
			`This device is too slow for live captions with ${id}: they fall behind the speech. The full transcript still comes when you stop; a smaller model keeps up better.`,
		unavailable: 'Live captions need the model on this device: this recording is transcribed when you stop.',
		failed: 'Live captions stopped; the recording is still transcribed when you stop.'
	},
	options: 'Options',
	optionsHint: 'Model, language, decoding, subtitles',
	summaryParts: {
		autoLanguage: 'auto language',
		translate: 'translate to English',
		greedy: 'greedy',
		beams: (count: number) => `${count} beams`,
		skipSilence: 'skip silence',
		onServer: 'on the server'
	},
	model: 'Model',
	auto: 'Auto',
	autoOnDevice: (id: string) => `Auto (${id} on this device)`,
	englishOnly: 'English only',
	checkingSize: 'Checking download size…',
	cached: 'Downloaded already: works offline',
	needsNetwork: 'Not downloaded yet: needs a network connection',
	toDownload: (size: string) => `${size} to download once`,
	sizeUnknown: 'Download size unknown',
	task: 'Task',
	transcribe: 'Transcribe',
	translate: 'Translate to English',
	translateBlocked: 'English-only models cannot translate; pick a multilingual model.',
	language: 'Language',
	detectLanguage: 'Detect automatically',
	languageHint: 'Of the speech, not of the output',
	englishOnlyModel: 'English-only model',
	prompt: 'Initial prompt',
	promptHint: '(optional: names, terms, spelling)',
	promptPlaceholder: 'e.g. Koe, Whisper, WebGPU',
	wordTimestamps: 'Word timestamps',
	wordTimestampsHint: '(highlight each word while playing; times subtitle cues)',
	skipSilence: 'Skip silence',
	skipSilenceHint: '(only speech is transcribed: faster, and nothing invented over silence or music)',
	subtitleLayout: 'Subtitle layout',
	subtitleLayoutHint: '(.srt, .vtt and .lrc downloads)',
	cuesFromSegments: 'One cue per Whisper segment (no layout)',
	lineWidth: 'Characters per line',
	lineWidthHint: 'Empty: 42, or 16 for Chinese, Japanese and Korean',
	lineCount: 'Lines per cue',
	longestCue: 'Longest cue (seconds)',
	readingSpeed: 'Reading speed (characters a second)',
	readingSpeedHint: 'Empty: 17, or 9 for Chinese, Japanese and Korean',
	highlightWords: 'Highlight each word (karaoke)',
	decoding: 'Decoding',
	greedy: 'Greedy (fastest)',
	beams: (count: number) => `${count} beams (more accurate)`,
	decodingHint: 'Beam search weighs several readings of each window: about twice the time.',
	simplifiedChinese: 'Simplified Chinese output',
	simplifiedChineseHint: '(简体中文输出)',
	uiLanguage: 'Interface',
	reading: 'Reading the audio…',
	loadingModel: (id: string) => `Loading the ${id} model…`,
	downloading: (file: string) => `Downloading ${file}…`,
	modelReady: 'Model ready',
	transcribing: 'Transcribing…',
	onServer: (id: string) => `Transcribing on the Koe server (${id})…`,
	runWhere: 'Run on',
	routeChoice: { auto: 'Here if it can, else server', local: 'This device', server: 'The Koe server' },
	routeReason: {
		local: 'on this device',
		'chosen-local': 'on this device, as chosen',
		'chosen-server': 'on the Koe server, as chosen: the file is uploaded to it',
		'no-wasm': 'on the Koe server: this browser has no WebAssembly to run the model; the file is uploaded to it',
		'server-only-model': 'on the Koe server: this model is too large for a browser; the file is uploaded to it',
		'too-large': 'on the Koe server: this model is too large for this device; the file is uploaded to it',
		'no-server': 'nowhere: this device cannot run the model, and there is no Koe server'
	},
	transcribesWhere: 'Transcribes',
	timeLeft: (duration: string) => `about ${duration} left`,
	seconds: (n: number) => `${n} s`,
	minutes: (n: number) => `${n} min`,
	hoursMinutes: (h: number, m: number) => `${h} h ${m} min`,
	cancel: 'Cancel',
	cancelled: 'Cancelled.',
	cancelledKept: 'What was transcribed before is kept below and in the history.',
	cancelledNothing: 'Nothing had been transcribed yet.',
	languageLine: (name: string) => `Language: ${name}`,
	detectedSure: (percent: number) => ` (detected, ${percent}% sure)`,
	summary: (file: string, seconds: string) => `${file}: ${seconds} s of audio`,
	summaryTimed: (file: string, seconds: string, took: string) => `${file}: ${seconds} s of audio transcribed in ${took} s`,
	noSpeech: 'No speech was found in this file.',
	playFromHere: 'Play from here',
	edit: 'Edit',
	save: 'Save',
	segmentText: 'Segment text',
	copyText: 'Copy text',
	videoWithSubtitles: 'Download video with subtitles',
	addingSubtitles: 'Adding the subtitles to the video…',
	copyTimed: 'Copy with times',
	copied: 'Copied',
	copyFailed: 'The browser did not allow copying: use a download instead.',
	undo: 'Undo',
	redo: 'Redo',
	shiftAll: 'Shift all times by (s)',
	shiftApply: 'Shift',
	find: 'Find',
	replaceWith: 'Replace with',
	wholeWords: 'Whole words',
	matchCase: 'Match case',
	replaceAll: 'Replace all',
	replaced: (count: number) => (count === 1 ? '1 replaced' : `${count} replaced`),
	splitHere: 'Split at cursor',
	mergeNext: 'Merge with next',
	lineStart: 'Start',
	lineEnd: 'End',
	earlier: '−0.1 s',
	later: '+0.1 s',
	shortcuts:
		'Keys: Alt+K play or pause · Alt+↑/↓ previous or next line · Ctrl+Z / Ctrl+Shift+Z undo or redo · in a line: Enter save, Alt+Enter split, Esc cancel',
	history: 'History',
	historyEmpty: 'Finished transcripts are kept here, in this browser only.',
	historyUnavailable: (detail: string) => `History is unavailable in this browser session (${detail}).`,
	rename: 'Rename',
	delete: 'Delete',
	newName: 'New name',
	partial: 'partial',
	technicalDetails: 'Technical details',
	retry: 'Try again',
	failures: {
		empty: () => 'This file is empty. Choose an audio or video file that has sound in it.',
		unreadable: () => 'Koe could not read this file as audio or video. It may be damaged, or in a format ffmpeg does not know.',
		'no-audio': () => 'This file has no audio track that Koe could read.',
		image: () => 'This file is a picture, not audio or video. Choose a recording, or a video with sound.',
		'too-short': () => 'This recording is shorter than half a second: too short to recognise speech in. Choose a longer one.',
		'decoder-load': () => 'Koe’s audio decoder (ffmpeg) could not be loaded. Check the network connection and try again.',
		mux: (detail: string) => `The subtitles could not be added to this video (${detail}). The subtitle files still download on their own.`,
		'model-unavailable': (detail: string) => `The model "${detail}" is not available on this server. Choose another model.`,
		'model-offline': () =>
			'This model is not downloaded yet, and there is no network connection. Connect once to download it, or choose a model marked “Downloaded already”.',
		'model-load': () => 'The speech model could not be loaded. Check the network connection and try again.',
		'out-of-memory': () =>
			'This device ran out of memory for the model. Choose a smaller model and try again; your earlier transcripts are safe in the history.',
		decode: () => 'Koe could not read this file. Try again; if it fails again, convert it to mp3 or wav first.',
		transcribe: () => 'Transcription failed. Try again; if it fails again, choose another model.',
		'worker-lost': () =>
			'The transcription stopped: the browser ended the worker that runs the model, most often because it ran short of memory. Try again; if it happens again, choose a smaller model or close other tabs.',
		'storage-full': () =>
			'This transcript was not saved in the history: the browser’s storage for this site is full. Download it now to keep it. To save new transcripts, delete old ones from the history or free up space in the browser’s site settings.',
		'history-save': () => 'This transcript was not saved in the history: the browser refused to store it. Download it now to keep it.',
		'model-not-stored': () =>
			'The model works, but this browser could not keep a copy (its storage for this site is full or turned off): it will be downloaded again next time, and cannot be used offline. Free up space in the browser’s site settings to keep it.',
		'mic-denied': () => 'Microphone access was refused. Allow it in the browser’s site settings to record, or drop a file instead.',
		'mic-missing': () => 'No microphone was found. Connect one and try again, or drop a file instead.',
		'mic-busy': () => 'The microphone is busy in another application. Close it there and try again.',
		'mic-unsupported': () => 'This browser cannot record audio. Drop a recording made elsewhere instead.',
		server: (detail: string) => `The Koe server could not transcribe this file: ${detail}`,
		'no-route': () =>
			'This browser cannot run the model, and no Koe server is available to run it. Try another browser or a smaller model.',
		'mic-other': (detail: string) => `The microphone could not be started (${detail}).`
	} satisfies Record<FailureCode, (detail: string) => string>
};

export type Messages = typeof en;

const zhCN: Messages = {
	tagline: '在你自己的设备上把音频和视频转成文字和字幕。不上传任何内容。',
	checkingDevice: '正在检测此浏览器的运行能力…',
	runsOn: '运行于',
	deviceReason: {
		'webgpu-f16': '支持 16 位浮点着色器的 WebGPU 适配器',
		webgpu: '不支持 16 位浮点着色器的 WebGPU 适配器',
		'no-webgpu': '此浏览器没有 WebGPU',
		'no-adapter': '有 WebGPU，但没有可用的 GPU 适配器'
	},
	singleThread: {
		'not-isolated': '页面未启用跨源隔离，WASM 只能单线程运行',
		'no-shared-memory': '此浏览器不向 WASM 提供共享内存，WASM 只能单线程运行'
	},
	dropLead: '把音频或视频文件拖到这里',
	dropHint: '或点击选择文件 — mp3、wav、flac、ogg、m4a、mp4、webm、mov、mkv… 多个文件会依次转写。',
	dropLabel: '把音频或视频文件拖到这里，或按下以选择文件',
	batch: {
		title: (done: number, total: number) => `文件：已完成 ${done} / ${total}`,
		status: { queued: '等待中', running: '进行中', done: '已完成', failed: '失败', cancelled: '已取消' },
		show: '查看',
		remove: (name: string) => `从队列中移除 ${name}`,
		format: '格式',
		downloadAll: (count: number) => `全部下载（${count} 个，.zip）`,
		clearFinished: '清除已完成'
	},
	recordStart: '● 用麦克风录音',
	recordStop: '■ 停止并转写',
	micLevel: '麦克风音量',
	live: {
		toggle: '实时字幕',
		loading: (id: string) => `正在为实时字幕加载 ${id}…`,
		listening: '正在聆听…',
		behind: (seconds: string) => `比语音约晚 ${seconds} 秒`,
		tooSlow: (id: string) => `此设备运行 ${id} 太慢，实时字幕跟不上语音。停止录音后仍会得到完整转写；较小的模型更跟得上。`,
		unavailable: '实时字幕需要在本设备上运行模型：此录音会在停止后转写。',
		failed: '实时字幕已停止；停止录音后仍会转写此录音。'
	},
	model: '模型',
	options: '选项',
	optionsHint: '模型、语言、解码、字幕',
	summaryParts: {
		autoLanguage: '自动识别语言',
		translate: '译成英文',
		greedy: '贪心',
		beams: (count: number) => `${count} 路束搜索`,
		skipSilence: '跳过静音',
		onServer: '在服务器上'
	},
	auto: '自动',
	autoOnDevice: (id: string) => `自动（此设备上用 ${id}）`,
	englishOnly: '仅英语',
	checkingSize: '正在查询下载大小…',
	cached: '已下载：可离线使用',
	needsNetwork: '尚未下载：需要网络连接',
	toDownload: (size: string) => `需下载一次，共 ${size}`,
	sizeUnknown: '下载大小未知',
	task: '任务',
	transcribe: '转写',
	translate: '翻译成英语',
	translateBlocked: '仅英语模型不能翻译，请选择多语言模型。',
	language: '语言',
	detectLanguage: '自动检测',
	languageHint: '指语音的语言，而非输出的语言',
	englishOnlyModel: '仅英语模型',
	prompt: '初始提示',
	promptHint: '（可选：人名、术语、写法）',
	promptPlaceholder: '例如：Koe、Whisper、WebGPU',
	wordTimestamps: '逐词时间戳',
	wordTimestampsHint: '（播放时高亮每个词；字幕按词计时）',
	skipSilence: '跳过静音',
	skipSilenceHint: '（只转写有人说话的部分：更快，静音和音乐处不会凭空生成文字）',
	subtitleLayout: '字幕排版',
	subtitleLayoutHint: '（.srt、.vtt、.lrc 下载）',
	cuesFromSegments: '每个 Whisper 片段一条字幕（不排版）',
	lineWidth: '每行字数',
	lineWidthHint: '留空：中日韩文 16，其他 42',
	lineCount: '每条行数',
	longestCue: '最长显示（秒）',
	readingSpeed: '阅读速度（每秒字数）',
	readingSpeedHint: '留空：中日韩文 9，其他 17',
	highlightWords: '逐词高亮（卡拉 OK）',
	decoding: '解码方式',
	greedy: '贪心（最快）',
	beams: (count: number) => `${count} 路束搜索（更准确）`,
	decodingHint: '束搜索会为每个窗口比较多种候选文本，约需两倍时间。',
	simplifiedChinese: '简体中文输出',
	simplifiedChineseHint: '（中文语音一律输出简体字）',
	uiLanguage: '界面语言',
	reading: '正在读取音频…',
	loadingModel: (id: string) => `正在加载 ${id} 模型…`,
	downloading: (file: string) => `正在下载 ${file}…`,
	modelReady: '模型已就绪',
	transcribing: '正在转写…',
	onServer: (id: string) => `正在 Koe 服务器上转写（${id}）…`,
	runWhere: '运行位置',
	routeChoice: { auto: '优先本设备，否则服务器', local: '本设备', server: 'Koe 服务器' },
	routeReason: {
		local: '在本设备上',
		'chosen-local': '按你的选择在本设备上',
		'chosen-server': '按你的选择在 Koe 服务器上：文件会上传到服务器',
		'no-wasm': '在 Koe 服务器上：此浏览器没有 WebAssembly，无法运行模型；文件会上传到服务器',
		'server-only-model': '在 Koe 服务器上：此模型对浏览器来说太大；文件会上传到服务器',
		'too-large': '在 Koe 服务器上：此模型对本设备来说太大；文件会上传到服务器',
		'no-server': '无处可运行：本设备无法运行该模型，也没有 Koe 服务器'
	},
	transcribesWhere: '转写位置',
	timeLeft: (duration: string) => `约剩 ${duration}`,
	seconds: (n: number) => `${n} 秒`,
	minutes: (n: number) => `${n} 分钟`,
	hoursMinutes: (h: number, m: number) => `${h} 小时 ${m} 分钟`,
	cancel: '取消',
	cancelled: '已取消。',
	cancelledKept: '已转写的内容保留在下方和历史记录中。',
	cancelledNothing: '还没有转写出任何内容。',
	languageLine: (name: string) => `语言：${name}`,
	detectedSure: (percent: number) => `（自动检测，置信度 ${percent}%）`,
	summary: (file: string, seconds: string) => `${file}：${seconds} 秒音频`,
	summaryTimed: (file: string, seconds: string, took: string) => `${file}：${seconds} 秒音频，用时 ${took} 秒转写完成`,
	noSpeech: '此文件中没有检测到语音。',
	playFromHere: '从这里播放',
	edit: '编辑',
	save: '保存',
	segmentText: '片段文字',
	copyText: '复制文字',
	videoWithSubtitles: '下载带字幕的视频',
	addingSubtitles: '正在把字幕加入视频…',
	copyTimed: '复制（带时间）',
	copied: '已复制',
	copyFailed: '浏览器不允许复制：请改用下载。',
	undo: '撤销',
	redo: '重做',
	shiftAll: '全部时间平移（秒）',
	shiftApply: '平移',
	find: '查找',
	replaceWith: '替换为',
	wholeWords: '全词匹配',
	matchCase: '区分大小写',
	replaceAll: '全部替换',
	replaced: (count: number) => `已替换 ${count} 处`,
	splitHere: '在光标处拆分',
	mergeNext: '与下一行合并',
	lineStart: '开始',
	lineEnd: '结束',
	earlier: '−0.1 秒',
	later: '+0.1 秒',
	shortcuts:
		'快捷键：Alt+K 播放或暂停 · Alt+↑/↓ 上一行或下一行 · Ctrl+Z / Ctrl+Shift+Z 撤销或重做 · 编辑行时：Enter 保存，Alt+Enter 拆分，Esc 取消',
	history: '历史记录',
	historyEmpty: '完成的转写会保存在这里，只存于此浏览器中。',
	historyUnavailable: (detail: string) => `本次浏览器会话无法使用历史记录（${detail}）。`,
	rename: '重命名',
	delete: '删除',
	newName: '新名称',
	partial: '部分',
	technicalDetails: '技术细节',
	retry: '重试',
	failures: {
		empty: () => '此文件是空的。请选择有声音的音频或视频文件。',
		unreadable: () => 'Koe 无法把此文件读作音频或视频。文件可能已损坏，或格式不受 ffmpeg 支持。',
		'no-audio': () => '此文件没有 Koe 能读取的音轨。',
		image: () => '此文件是图片，不是音频或视频。请选择录音文件或有声音的视频。',
		'too-short': () => '此录音不足半秒，太短，无法识别语音。请选择更长的录音。',
		'decoder-load': () => '无法加载 Koe 的音频解码器（ffmpeg）。请检查网络连接后重试。',
		mux: (detail: string) => `无法把字幕加入此视频（${detail}）。字幕文件仍可单独下载。`,
		'model-unavailable': (detail: string) => `此服务器上没有模型“${detail}”。请选择其他模型。`,
		'model-offline': () => '此模型尚未下载，且当前没有网络连接。请联网下载一次，或选择标有“已下载”的模型。',
		'model-load': () => '无法加载语音模型。请检查网络连接后重试。',
		'out-of-memory': () => '此设备内存不足以运行该模型。请选择较小的模型重试；之前的转写仍安全保存在历史记录中。',
		decode: () => 'Koe 无法读取此文件。请重试；如果仍然失败，请先把文件转换为 mp3 或 wav。',
		transcribe: () => '转写失败。请重试；如果仍然失败，请换一个模型。',
		'worker-lost': () =>
			'转写中断：浏览器结束了运行模型的工作线程，通常是因为内存不足。请重试；如果再次发生，请选择较小的模型或关闭其他标签页。',
		'storage-full': () =>
			'此转写未能保存到历史记录：浏览器为本网站提供的存储空间已满。请立即下载以保留它。若要保存新的转写，请删除历史记录中的旧转写，或在浏览器的网站设置中释放空间。',
		'history-save': () => '此转写未能保存到历史记录：浏览器拒绝存储。请立即下载以保留它。',
		'model-not-stored': () =>
			'模型可以使用，但此浏览器无法保存它（本网站的存储空间已满或被禁用）：下次使用时会重新下载，也无法离线使用。请在浏览器的网站设置中释放空间以保存模型。',
		'mic-denied': () => '麦克风访问被拒绝。请在浏览器的网站设置中允许，或改为拖入文件。',
		'mic-missing': () => '没有找到麦克风。请连接后重试，或改为拖入文件。',
		'mic-busy': () => '麦克风正被其他应用占用。请在那里关闭后重试。',
		'mic-unsupported': () => '此浏览器无法录音。请改为拖入在别处录好的文件。',
		server: (detail: string) => `Koe 服务器无法转写此文件：${detail}`,
		'no-route': () => '此浏览器无法运行该模型，也没有可用的 Koe 服务器。请换一个浏览器或较小的模型。',
		'mic-other': (detail: string) => `无法启动麦克风（${detail}）。`
	}
};

export const LOCALES = { en, 'zh-CN': zhCN } as const;
export type Locale = keyof typeof LOCALES;

/** The UI language for the browser's preferred languages: Chinese in any region → zh-CN. */
export function localeFor(preferred: readonly string[]): Locale {
	for (const tag of preferred) {
		const lower = tag.toLowerCase();
		if (lower.startsWith('zh')) return 'zh-CN';
		if (lower.startsWith('en')) return 'en';
	}
	return 'en';
}

/**
 * A failure as the UI shows it: its code, any detail its message names (a model, the server's
 * own words), and the error's text for a bug report, shown apart from the message.
 */
export interface Failure {
	code: FailureCode;
	detail?: string;
	technical?: string;
}

export function failureText(messages: Messages, failure: Failure): string {
	return messages.failures[failure.code](failure.detail ?? '');
}

/** A language's name in the UI language ("German", "德语"), from the browser's own tables. */
export function languageName(code: string, locale: Locale, fallback = code): string {
	let name: string | undefined;
	try {
		name = new Intl.DisplayNames([locale], { type: 'language' }).of(code);
	} catch {
		name = undefined;
	}
	const chosen = name && name !== code ? name : fallback;
	return chosen.charAt(0).toUpperCase() + chosen.slice(1);
}

/** "about 3 min": a rough duration for the time-left estimate. */
export function roughDuration(messages: Messages, seconds: number): string {
	if (seconds < 60) return messages.seconds(Math.max(1, Math.round(seconds)));
	const minutes = Math.round(seconds / 60);
	return minutes < 60 ? messages.minutes(minutes) : messages.hoursMinutes(Math.floor(minutes / 60), minutes % 60);
}

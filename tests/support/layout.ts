/**
 * @file What a person would see as a broken layout, checked in the page itself: a control that
 * overlaps another, runs off the screen, or a page that scrolls sideways. `layoutProblems` runs in
 * the browser (Playwright's evaluate, WebDriver's execute), so it is self-contained.
 */

/** The window sizes the page must hold at: a phone, a tablet, a laptop. */
export const SCREEN_SIZES = [
	{ name: 'phone', width: 390, height: 844 },
	{ name: 'tablet', width: 768, height: 1024 },
	{ name: 'desktop', width: 1280, height: 900 }
] as const;

/** Each problem in words, naming the controls by test id, label or text; empty when the layout holds. */
export function layoutProblems(): string[] {
	const CONTROLS = 'button, select, input, textarea, summary, a[href], [role="button"], video, audio';
	// checkVisibility: what a closed <details> holds still has boxes in Chromium (content-visibility).
	const visible = (element: Element) => {
		const box = element.getBoundingClientRect();
		return box.width > 0 && box.height > 0 && element.checkVisibility({ visibilityProperty: true }) && element.closest('.sr-only') === null;
	};
	// A sticky or fixed bar (the player) is meant to float over what scrolls under it.
	const floating = (element: Element) => {
		for (let node: Element | null = element; node; node = node.parentElement) {
			if (['sticky', 'fixed'].includes(getComputedStyle(node).position)) return true;
		}
		return false;
	};
	const nameOf = (element: Element) =>
		(element as HTMLElement).dataset.testid ??
		element.getAttribute('aria-label') ??
		`${element.tagName.toLowerCase()} "${(element.textContent ?? '').trim().slice(0, 30)}"`;
	const controls = [...document.querySelectorAll(CONTROLS)].filter(visible);
	const problems: string[] = [];
	const width = document.documentElement.clientWidth;
	if (document.documentElement.scrollWidth > width + 1) {
		problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px wide in a ${width} px window)`);
	}
	const boxes = controls.map((element) => ({ element, box: element.getBoundingClientRect() }));
	for (const { element, box } of boxes) {
		if (box.left < -1 || box.right > width + 1)
			problems.push(`${nameOf(element)} runs off the screen (${Math.round(box.left)}…${Math.round(box.right)} px)`);
	}
	for (let i = 0; i < boxes.length; i++) {
		for (let j = i + 1; j < boxes.length; j++) {
			const a = boxes[i]!;
			const b = boxes[j]!;
			// A control inside another (a button in a summary) is not an overlap.
			if (a.element.contains(b.element) || b.element.contains(a.element)) continue;
			if (floating(a.element) !== floating(b.element)) continue;
			const overlapX = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
			const overlapY = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
			if (overlapX > 1 && overlapY > 1)
				problems.push(`${nameOf(a.element)} overlaps ${nameOf(b.element)} (${Math.round(overlapX)}×${Math.round(overlapY)} px)`);
		}
	}
	// A select narrower than its chosen option cuts the text (the "Run on" select once did).
	for (const select of controls.filter((element): element is HTMLSelectElement => element instanceof HTMLSelectElement)) {
		const chosen = select.selectedOptions[0]?.text ?? '';
		const probe = document.createElement('span');
		probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font:${getComputedStyle(select).font}`;
		probe.textContent = chosen;
		document.body.append(probe);
		const style = getComputedStyle(select);
		// The text, the select's padding, and about 16 px of arrow.
		const needed = probe.getBoundingClientRect().width + parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) + 16;
		probe.remove();
		if (needed > select.clientWidth)
			problems.push(`${nameOf(select)} cuts its text "${chosen}" (${Math.round(needed)} px in ${select.clientWidth})`);
	}
	return problems;
}

import { escapeText } from './mrkdwn.js';

/**
 * The Block Kit this app renders, typed narrowly, and Slack's documented limits for it. Every
 * message and view goes through `fitMessage` / `fitView`, so nothing we send is refused for size.
 */

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type TextObject = PlainText | Mrkdwn;

export interface Option {
  text: PlainText;
  value: string;
}

export interface Button {
  type: 'button';
  action_id: string;
  text: PlainText;
  value?: string;
  style?: 'primary' | 'danger';
}
export interface StaticSelect {
  type: 'static_select';
  action_id: string;
  placeholder: PlainText;
  options: Option[];
  initial_option?: Option;
}
export interface UsersSelect {
  type: 'users_select';
  action_id: string;
  placeholder: PlainText;
  initial_user?: string;
}
export interface PlainTextInput {
  type: 'plain_text_input';
  action_id: string;
  multiline?: boolean;
  max_length?: number;
  initial_value?: string;
  placeholder?: PlainText;
}
export interface DatePicker {
  type: 'datepicker';
  action_id: string;
  initial_date?: string;
}
export type Element = Button | StaticSelect | UsersSelect;

export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}
export interface SectionBlock {
  type: 'section';
  text?: Mrkdwn;
  fields?: Mrkdwn[];
  accessory?: Element;
  block_id?: string;
}
export interface ContextBlock {
  type: 'context';
  elements: Mrkdwn[];
}
export interface ActionsBlock {
  type: 'actions';
  block_id?: string;
  elements: Element[];
}
export interface DividerBlock {
  type: 'divider';
}
export interface InputBlock {
  type: 'input';
  block_id: string;
  label: PlainText;
  element: PlainTextInput | StaticSelect | UsersSelect | DatePicker;
  optional?: boolean;
  hint?: PlainText;
}
export type Block = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock | DividerBlock | InputBlock;

/** A message as chat.postMessage and chat.update take it: `text` is the notification and the fallback. */
export interface Message {
  text: string;
  blocks: Block[];
}

export interface ModalView {
  type: 'modal';
  callback_id: string;
  title: PlainText;
  submit?: PlainText;
  close?: PlainText;
  private_metadata?: string;
  blocks: Block[];
}

/** Slack's documented limits (Block Kit reference), for what this app sends. */
export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  /** chat.postMessage truncates longer text; the fallback stays well under it. */
  messageText: 4000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  inputLabel: 2000,
  viewTitle: 24,
  viewSubmit: 24,
  privateMetadata: 3000,
  /** conversations.setTopic */
  topic: 250,
} as const;

/** Cut to `max` characters, never splitting a surrogate pair, ending with … when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--;
  return `${text.slice(0, end)}…`;
}

/** Plain text as Slack wants it: & < > escaped (so nothing typed becomes a mention), cut to size without half an entity. */
export const plain = (text: string, max: number): PlainText => ({
  type: 'plain_text',
  text: clip(escapeText(text.trim() || '—'), max).replace(/&[a-z]{0,3}…$/, '…'),
  emoji: true,
});
export const md = (text: string, max: number = LIMITS.sectionText): Mrkdwn => ({
  type: 'mrkdwn',
  text: clip(text.trim() || ' ', max),
});

/** Long mrkdwn as as many sections as it needs, split at line breaks where it can be. */
export function sections(text: string, maxSections = 20): SectionBlock[] {
  const out: SectionBlock[] = [];
  let rest = text.trim();
  while (rest && out.length < maxSections) {
    if (rest.length <= LIMITS.sectionText) {
      out.push({ type: 'section', text: md(rest) });
      break;
    }
    const cut = rest.lastIndexOf('\n', LIMITS.sectionText - 1);
    const at = cut > LIMITS.sectionText / 2 ? cut : LIMITS.sectionText - 1;
    out.push({ type: 'section', text: md(rest.slice(0, at)) });
    rest = rest.slice(at).trim();
  }
  return out;
}

function fitElement(e: Element): Element {
  switch (e.type) {
    case 'button':
      return {
        ...e,
        action_id: clip(e.action_id, LIMITS.actionId),
        text: plain(e.text.text, LIMITS.buttonText),
        ...(e.value !== undefined ? { value: clip(e.value, LIMITS.buttonValue) } : {}),
      };
    case 'static_select':
      return {
        ...e,
        placeholder: plain(e.placeholder.text, LIMITS.placeholder),
        options: e.options.slice(0, LIMITS.selectOptions).map(fitOption),
        ...(e.initial_option ? { initial_option: fitOption(e.initial_option) } : {}),
      };
    case 'users_select':
      return { ...e, placeholder: plain(e.placeholder.text, LIMITS.placeholder) };
  }
}

function fitOption(o: Option): Option {
  return { text: plain(o.text.text, LIMITS.optionText), value: clip(o.value, LIMITS.optionValue) };
}

function fitBlock(b: Block): Block {
  switch (b.type) {
    case 'header':
      return { type: 'header', text: plain(b.text.text, LIMITS.headerText) };
    case 'section':
      return {
        ...b,
        ...(b.text ? { text: md(b.text.text) } : {}),
        ...(b.fields
          ? { fields: b.fields.slice(0, LIMITS.sectionFields).map((f) => md(f.text, LIMITS.fieldText)) }
          : {}),
        ...(b.accessory ? { accessory: fitElement(b.accessory) } : {}),
      };
    case 'context':
      return {
        type: 'context',
        elements: b.elements.slice(0, LIMITS.contextElements).map((e) => md(e.text, LIMITS.contextText)),
      };
    case 'actions':
      return { ...b, elements: b.elements.slice(0, LIMITS.actionsElements).map(fitElement) };
    case 'divider':
      return b;
    case 'input':
      return {
        ...b,
        label: plain(b.label.text, LIMITS.inputLabel),
        ...(b.hint ? { hint: plain(b.hint.text, LIMITS.inputLabel) } : {}),
      };
  }
}

/**
 * A message within Slack's limits: each block's texts cut to size, and beyond 50 blocks the rest
 * folded into one last context block that says how much was left out. Actions, if any, stay last.
 */
export function fitMessage(message: Message): Message {
  let blocks = message.blocks.filter((b) => b.type !== 'section' || b.text || b.fields?.length).map(fitBlock);
  if (blocks.length > LIMITS.messageBlocks) {
    const actions = blocks.filter((b) => b.type === 'actions').slice(-1);
    const room = LIMITS.messageBlocks - 1 - actions.length;
    const dropped = blocks.length - room - actions.length;
    blocks = [
      ...blocks.filter((b) => b.type !== 'actions').slice(0, room),
      { type: 'context', elements: [md(`…and ${dropped} more not shown here.`)] },
      ...actions,
    ];
  }
  return { text: clip(message.text.trim() || ' ', LIMITS.messageText), blocks };
}

export function fitView(view: ModalView): ModalView {
  return {
    ...view,
    title: plain(view.title.text, LIMITS.viewTitle),
    ...(view.submit ? { submit: plain(view.submit.text, LIMITS.viewSubmit) } : {}),
    ...(view.close ? { close: plain(view.close.text, LIMITS.viewSubmit) } : {}),
    ...(view.private_metadata !== undefined
      ? { private_metadata: clip(view.private_metadata, LIMITS.privateMetadata) }
      : {}),
    blocks: view.blocks.slice(0, LIMITS.viewBlocks).map(fitBlock),
  };
}

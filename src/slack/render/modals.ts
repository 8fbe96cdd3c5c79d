import { ACTION_KINDS } from '../../store/types.js';
import { fitView, LIMITS, type ModalView, md, plain } from '../blocks.js';
import { VIEW } from '../ids.js';

/** What a modal remembers between opening and submission: where it was opened and for which incident. */
export interface ModalContext {
  channel: string | null;
  incidentId: string | null;
  /** A customer-update draft and the revision being edited, for the edit form. */
  draftId?: string | undefined;
  revision?: number | undefined;
}

const input = (
  block: string,
  label: string,
  options: {
    multiline?: boolean;
    max: number;
    optional?: boolean;
    initial?: string;
    placeholder?: string;
    hint?: string;
  },
) => ({
  type: 'input' as const,
  block_id: block,
  label: plain(label, LIMITS.inputLabel),
  optional: options.optional ?? false,
  ...(options.hint ? { hint: plain(options.hint, LIMITS.inputLabel) } : {}),
  element: {
    type: 'plain_text_input' as const,
    action_id: 'value',
    multiline: options.multiline ?? false,
    max_length: options.max,
    ...(options.initial ? { initial_value: options.initial.slice(0, options.max) } : {}),
    ...(options.placeholder ? { placeholder: plain(options.placeholder, LIMITS.placeholder) } : {}),
  },
});

const metadata = (context: ModalContext): string => JSON.stringify(context);

export function declareModal(context: ModalContext, title = ''): ModalView {
  return fitView({
    type: 'modal',
    callback_id: VIEW.declare,
    title: plain('Declare an incident', LIMITS.viewTitle),
    submit: plain('Declare', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: metadata(context),
    blocks: [
      input('title', 'Title', { max: 150, initial: title, placeholder: 'Checkout returning 500s' }),
      input('broken', 'What is broken?', {
        multiline: true,
        max: 2000,
        placeholder: 'What fails, since when, what the alerts or dashboards say',
      }),
      input('affected', 'Who is affected?', {
        multiline: true,
        max: 1000,
        optional: true,
        placeholder: 'All customers? A region, a plan, internal users? How many?',
      }),
    ],
  });
}

export function hypothesisModal(context: ModalContext, timeboxMinutes: number): ModalView {
  return fitView({
    type: 'modal',
    callback_id: VIEW.hypothesis,
    title: plain('Start a hypothesis', LIMITS.viewTitle),
    submit: plain('Start', LIMITS.viewSubmit),
    private_metadata: metadata(context),
    blocks: [
      input('statement', 'What are you testing?', {
        max: 500,
        placeholder: 'The 14:02 deploy exhausted the connection pool',
        hint: `It is time-boxed to ${timeboxMinutes} minutes: confirm it, rule it out or park it by then.`,
      }),
      input('evidence', 'Evidence so far', { multiline: true, max: 2000, optional: true }),
    ],
  });
}

export function resolveModal(context: ModalContext): ModalView {
  return fitView({
    type: 'modal',
    callback_id: VIEW.resolve,
    title: plain('Resolve the incident', LIMITS.viewTitle),
    submit: plain('Resolve', LIMITS.viewSubmit),
    private_metadata: metadata(context),
    blocks: [
      input('resolution', 'What ended the impact?', {
        multiline: true,
        max: 2000,
        placeholder: 'Rolled back the 14:02 deploy; error rate back to baseline at 14:40',
      }),
    ],
  });
}

export function actionItemModal(context: ModalContext): ModalView {
  return fitView({
    type: 'modal',
    callback_id: VIEW.action,
    title: plain('Track an action item', LIMITS.viewTitle),
    submit: plain('Track', LIMITS.viewSubmit),
    private_metadata: metadata(context),
    blocks: [
      input('title', 'What needs doing?', { max: 300, placeholder: 'Alert on connection-pool saturation' }),
      {
        type: 'input',
        block_id: 'owner',
        label: plain('Owner (one person)', LIMITS.inputLabel),
        element: { type: 'users_select', action_id: 'value', placeholder: plain('Who owns it?', LIMITS.placeholder) },
      },
      {
        type: 'input',
        block_id: 'due',
        label: plain('Due', LIMITS.inputLabel),
        element: { type: 'datepicker', action_id: 'value' },
      },
      {
        type: 'input',
        block_id: 'kind',
        label: plain('Kind', LIMITS.inputLabel),
        optional: true,
        element: {
          type: 'static_select',
          action_id: 'value',
          placeholder: plain('prevent, detect, mitigate or process', LIMITS.placeholder),
          options: ACTION_KINDS.map((k) => ({ text: plain(k, LIMITS.optionText), value: k })),
        },
      },
    ],
  });
}

export function customerEditModal(context: ModalContext, text: string): ModalView {
  return fitView({
    type: 'modal',
    callback_id: VIEW.editCustomer,
    title: plain('Edit customer update', LIMITS.viewTitle),
    submit: plain('Save draft', LIMITS.viewSubmit),
    private_metadata: metadata(context),
    blocks: [
      { type: 'section', text: md('Customers will read this. It still needs an approval after you save it.') },
      input('text', 'Customer update', { multiline: true, max: 3000, initial: text }),
    ],
  });
}

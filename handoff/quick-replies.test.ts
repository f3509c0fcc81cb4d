import { describe, expect, it } from 'vitest';
import { renderTemplate, unknownVariables } from './quick-replies.ts';

describe('quick reply templates', () => {
  it('fills known variables and leaves nothing raw for the customer', () => {
    expect(renderTemplate('Hi {{contact.name}}, I am {{ agent.name }}.', { 'contact.name': 'Li Wei', 'agent.name': 'Sam' })).toBe('Hi Li Wei, I am Sam.');
    expect(renderTemplate('Hi {{contact.name}}!', { 'contact.name': null })).toBe('Hi !');
  });
  it('names variables it does not know', () => {
    expect(unknownVariables('Hi {{contact.name}} {{contact.phone}} {{order.id}}')).toEqual(['contact.phone', 'order.id']);
  });
});

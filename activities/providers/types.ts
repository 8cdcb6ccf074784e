// One interface per outside system the ladder talks to. Every request carries the idempotency key
// (account / episode / cycle / rung / action): a provider must treat a repeated key as the same
// request. Real gateways implement these; the built-in simulator (./simulator) records requests.
import type { ServiceState } from '../../domain/policy/types';

export interface ProviderRequest {
  key: string;
  accountId: string;
}

export interface SmsGateway {
  send(req: ProviderRequest & { to: string; text: string }): Promise<{ reference: string }>;
}

export interface VoiceGateway {
  /** An automated (IVR) reminder call with a recorded script. */
  call(req: ProviderRequest & { to: string; script: string }): Promise<{ reference: string }>;
}

export interface NetworkProvisioning {
  /** Bars outgoing calls, suspends, deregisters or restores a line at the switch / provisioning system. */
  setServiceState(req: ProviderRequest & { phone: string; state: ServiceState; lineId?: string }): Promise<{ reference: string }>;
}

export interface LetterService {
  /** A lawyer's demand letter (律师催款函). */
  sendDemandLetter(
    req: ProviderRequest & { name: string; amount: number; currency: string; overdueSince: string; lateFee?: number; text?: string },
  ): Promise<{ reference: string }>;
}

export interface LegalService {
  /** Opens a case for the legal team / outside counsel. */
  openCase(req: ProviderRequest & { name: string; amount: number; currency: string; overdueSince: string }): Promise<{ reference: string }>;
}

export interface CollectionAgency {
  /** Hands the account to an outside collection agency (委外催收); its result comes back later. */
  refer(req: ProviderRequest & { name: string; phone: string; amount: number; currency: string; overdueSince: string }): Promise<{ reference: string }>;
}

export interface Providers {
  agency: CollectionAgency;
  sms: SmsGateway;
  voice: VoiceGateway;
  network: NetworkProvisioning;
  letters: LetterService;
  legal: LegalService;
}

/** A provider refused the request for good (invalid number, line unknown): retrying will not help. */
export class ProviderRejection extends Error {
  override readonly name = 'ProviderRejection';
}

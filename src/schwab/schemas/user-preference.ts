// GET /trader/v1/userPreference. An object (the portal says an array), with exactly one streamerInfo element.
import { z } from 'zod';
import { accountNumber, openEnum, optionalBoolean, optionalString } from './common.js';

export const streamerInfoSchema = z.looseObject({
  streamerSocketUrl: z.string(),
  schwabClientCustomerId: z.string(),
  schwabClientCorrelId: z.string(),
  schwabClientChannel: z.string(),
  schwabClientFunctionId: z.string(),
});

export const userPreferenceSchema = z.looseObject({
  accounts: z.array(z.looseObject({
    accountNumber,
    primaryAccount: optionalBoolean,
    type: openEnum.optional(),
    nickName: optionalString,
    displayAcctId: optionalString,
    autoPositionEffect: optionalBoolean,
    accountColor: optionalString,
  })).optional(),
  streamerInfo: z.array(streamerInfoSchema).min(1),
  offers: z.array(z.looseObject({ level2Permissions: optionalBoolean, mktDataPermission: optionalString })).optional(),
});

export type UserPreference = z.infer<typeof userPreferenceSchema>;
export type StreamerInfoBody = z.infer<typeof streamerInfoSchema>;

import Chassis
import Gifticon

Service.main(PaymentContext.self)
